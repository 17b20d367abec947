package org.accountpurge.store;

import java.util.List;

/**
 * One place an account's data lives (the tenant database, a search cluster, an identity provider), seen by the purge
 * for one kind of account. The purge writer walks the configured stores of a kind in order: every store's
 * {@link #lockOut}, then {@link #remove} phase by phase. A new store, or a strategy other than deletion, is one new
 * implementation of this interface.
 *
 * <p>Every call is idempotent (what is already gone is {@link TargetOutcome#absent()}), and answers per target and
 * account; a store that cannot answer at all throws {@link StoreException}.
 */
public interface AccountStore {

    /** When a store's {@link #remove} runs relative to the chunk's database transaction. */
    enum Phase {
        /** before the database rows go: a failure leaves every row in place */
        BEFORE_DATABASE,
        /** inside the chunk's transaction: rolled back with it */
        IN_DATABASE_TRANSACTION,
        /** after the rows are deleted, before the transaction commits: a failure rolls the rows back */
        AFTER_DATABASE
    }

    /** The step log's name of the store: {@code postgres}, {@code elasticsearch}, {@code keycloak}. */
    String name();

    Phase phase();

    /** What the step log says the store works on before anything is known per target (a realm, "*"). */
    default String target() {
        return "*";
    }

    /**
     * Makes the accounts unusable before any of their data goes (a login identity is disabled and its sessions end).
     * Most stores have nothing to lock: the default does nothing.
     */
    default StoreOutcomes lockOut(List<String> accountIds) {
        return StoreOutcomes.none();
    }

    /** Removes everything the accounts have in this store. */
    StoreOutcomes remove(List<String> accountIds);

    /** What is left of the accounts in this store: per target, PRESENT with a count where something is left. */
    StoreOutcomes verify(List<String> accountIds);

    /** Whether {@link #verify} can still find the accounts' data once they are purged (default yes). */
    default boolean verifiable() {
        return true;
    }
}
