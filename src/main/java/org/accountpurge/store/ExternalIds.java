package org.accountpurge.store;

import java.util.List;
import java.util.Map;

/**
 * The ids accounts have in another store, as the tenant database maps them (Keycloak users matched with
 * {@code user-match: database}), kept by the purge when it removes them: the rows that map them go with the account,
 * and what is kept lets the verification (and later checks) look those ids up again.
 */
public interface ExternalIds {

    /** Keeps each account's ids in {@code store} / {@code target}, committed at once (before they are removed). */
    void record(String store, String target, Map<String, List<String>> idsByAccount);

    /** The ids kept for each of the accounts (none for an account never recorded). */
    Map<String, List<String>> recorded(String store, String target, List<String> accountIds);

    /** Every account with ids kept in {@code store} / {@code target}, handed over in batches, in id order. */
    void accounts(String store, String target, java.util.function.Consumer<List<String>> batch);
}
