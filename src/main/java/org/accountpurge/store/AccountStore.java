package org.accountpurge.store;

import java.util.List;

/**
 * One place an account's data lives (the tenant database, a search cluster, an identity provider), seen by the purge
 * for one kind of account. The purge writer calls {@link #remove} of the configured stores of a kind phase by phase:
 * the database rows in the chunk's transaction first, then — before it commits — the login identity, then the other
 * stores. A new store, or a strategy other than deletion, is one new implementation of this interface.
 *
 * <p>Every call is idempotent (what is already gone is {@link TargetOutcome#absent()}), and answers per target and
 * account; a store that cannot answer at all throws {@link StoreException}.
 */
public interface AccountStore {

    /** When a store's {@link #remove} runs relative to the chunk's database transaction. */
    enum Phase {
        /** inside the chunk's transaction: rolled back with it */
        IN_DATABASE_TRANSACTION,
        /**
         * the login identity, once the rows are deleted and before the transaction commits: a failure rolls the rows
         * back (nothing of the account is gone); once it is gone the account can never log in again, so nothing is
         * ever removed while the account can still be used
         */
        LOGIN_IDENTITY,
        /** the other stores, after the login identity, before the transaction commits: a failure rolls the rows back */
        AFTER_LOGIN_IDENTITY
    }

    /** The step log's name of the store: {@code postgres}, {@code elasticsearch}, {@code keycloak}. */
    String name();

    Phase phase();

    /** What the step log says the store works on before anything is known per target (a realm, "*"). */
    default String target() {
        return "*";
    }

    /** Removes everything the accounts have in this store. */
    StoreOutcomes remove(List<String> accountIds);

    /**
     * {@link #remove}, telling {@code removed} of each account whose removal is done as soon as it is, with its
     * outcome on the store's {@link #target()} (from any thread, before the call returns), so that the outcome is
     * recorded at once and the next store can start on it while this one works on the others. An account that fails
     * is never told. By default nothing is told early: the caller learns every outcome when the call returns.
     */
    default StoreOutcomes remove(List<String> accountIds, Removed removed) {
        return remove(accountIds);
    }

    /** Told of an account as soon as a store has removed it (see {@link #remove(List, Removed)}). */
    @FunctionalInterface
    interface Removed {
        void removed(String accountId, TargetOutcome outcome);
    }

    /**
     * The accounts this store would refuse for good, asked before anything of the chunk is removed in any store, so
     * that nothing of such an account goes (Elasticsearch: a document shared with other accounts). Per target, FAILED
     * outcomes of those accounts only; reads only. By default none.
     */
    default StoreOutcomes refusals(List<String> accountIds) {
        return StoreOutcomes.none();
    }

    /** What is left of the accounts in this store: per target, PRESENT with a count where something is left. */
    StoreOutcomes verify(List<String> accountIds);

    /**
     * What {@link #remove} would do to the accounts, read-only (a dry run): per target, the action a removal would take
     * and on how many rows or documents; ABSENT where it would find nothing. By default what {@link #verify} finds,
     * as deletions.
     */
    default StoreOutcomes preview(List<String> accountIds) {
        return verify(accountIds).map((id, o) -> o.wouldBe(TargetOutcome.Action.DELETED));
    }

    /**
     * Whether a dry run asks this store about every account it would purge (its look-ups answer a chunk at once), or
     * only about those the stores before it hold nothing of (one call per account: Keycloak). Default yes.
     */
    default boolean previewsEveryAccount() {
        return true;
    }

    /** How a verification says what it checked in this store (default its name). */
    default String checkedAs() {
        return name();
    }

    /** Whether {@link #verify} can still find the accounts' data once they are purged (default yes). */
    default boolean verifiable() {
        return true;
    }
}
