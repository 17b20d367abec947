package org.accountpurge.store.keycloak;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.accountpurge.config.KeycloakSection.UserMatch;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The realm as one of the purge's stores, through the purge's own service-account client: an account's Keycloak user
 * is deleted (its login identity: after the database rows, before the chunk commits), looked up again by the
 * verification, or disabled by the grace lifecycle. "Not found" is never an error. The retention rules' look-ups are
 * {@link #lookups()}, the nightly veto's {@link #activity()}; the calls themselves go through {@link KeycloakClient}.
 */
public final class KeycloakAccounts implements AccountStore, AutoCloseable {

    static final String STORE = KeycloakClient.STORE;
    /** Step-log error of a call that got no answer within the configured timeout. */
    public static final String TIMEOUT = KeycloakClient.TIMEOUT;
    /** Step-log error of an account not tried because Keycloak had stopped answering earlier in the chunk. */
    public static final String NOT_ATTEMPTED = KeycloakClient.NOT_ATTEMPTED;
    private static final int PAGE = 500;

    private final KeycloakClient client;
    private final KeycloakUsers users;
    private final KeycloakLookups lookups;
    private final KeycloakActivity activity;
    /** Set when the purge keeps the users, disabled and scrubbed ({@code on-purge: scrub}); null: it deletes them. */
    private final KeycloakScrub scrub;

    /**
     * @param keycloakIdsInDatabase for {@link UserMatch#DATABASE}: the Keycloak user ids of accounts, read from the
     *                              tenant database (called once per chunk, before anything is deleted); else null
     * @param deletedIds            for {@link UserMatch#DATABASE}: where the Keycloak ids of the users a purge deletes
     *                              are kept before they go (with the rows that map them), so that {@link #verify} can
     *                              look them up again; null: nowhere
     */
    public KeycloakAccounts(KeycloakSettings settings,
                            Function<List<String>, Map<String, List<String>>> keycloakIdsInDatabase,
                            org.accountpurge.store.ExternalIds deletedIds) {
        if (settings.match() == UserMatch.DATABASE && keycloakIdsInDatabase == null) {
            throw new IllegalArgumentException("user-match: database needs a lookup of Keycloak ids");
        }
        this.client = new KeycloakClient(settings);
        this.users = new KeycloakUsers(client, settings.match(), settings.attribute(), keycloakIdsInDatabase,
                deletedIds);
        this.lookups = new KeycloakLookups(client, users);
        this.activity = new KeycloakActivity(client, users);
        this.scrub = settings.scrub() ? new KeycloakScrub(client, settings.match() == UserMatch.ATTRIBUTE
                ? settings.attribute() : null) : null;
    }

    public String realm() {
        return client.realm();
    }

    /** The retention rules' look-ups: role and group members. */
    public KeycloakLookups lookups() {
        return lookups;
    }

    /** Users' activity and state, for the nightly veto and the grace lifecycle. */
    public KeycloakActivity activity() {
        return activity;
    }

    @Override
    public String name() {
        return STORE;
    }

    @Override
    public Phase phase() {
        return Phase.LOGIN_IDENTITY;
    }

    @Override
    public String target() {
        return client.realm();
    }

    /**
     * Disables the accounts' users and ends their sessions (two calls per user; reversible, nothing is deleted): the
     * grace lifecycle's disable step. The purge itself deletes the user in one call ({@link #remove}).
     */
    public StoreOutcomes disable(List<String> accountIds) {
        return StoreOutcomes.of(client.realm(), users.forEachUser(accountIds, kcId -> {
            client.pace(2);
            UserRepresentation disable = new UserRepresentation();
            disable.setEnabled(false);
            try (Response response = client.userCalls().update(client.realm(), kcId, disable)) { // only enabled
                KeycloakClient.succeeded(response);
            }
            try (Response response = client.userCalls().logout(client.realm(), kcId)) {
                KeycloakClient.succeeded(response);
            }
            return TargetOutcome.disabled();
        }));
    }

    @Override
    public StoreOutcomes remove(List<String> accountIds) {
        return remove(accountIds, (id, outcome) -> { });
    }

    /**
     * Tells {@code removed} of each account as soon as its users are deleted (or found absent); with {@code on-purge:
     * scrub}, disabled and scrubbed instead.
     */
    @Override
    public StoreOutcomes remove(List<String> accountIds, Removed removed) {
        return StoreOutcomes.of(client.realm(), users.forEachUser(accountIds, removed, KeycloakUsers.Lookup.RECORDED,
                scrub != null ? scrub::scrub : this::deleteUser));
    }

    /** One call per user: a dry run asks only about the accounts the database and the indexes hold nothing of. */
    @Override
    public boolean previewsEveryAccount() {
        return false;
    }

    /** In scrub mode, what a purge would do is scrub the user, not delete it. */
    @Override
    public StoreOutcomes preview(List<String> accountIds) {
        if (scrub == null) {
            return AccountStore.super.preview(accountIds);
        }
        return verify(accountIds).map((id, o) -> o.wouldBe(TargetOutcome.Action.SCRUBBED));
    }

    /**
     * Per account, whether a Keycloak user is still there (present 1) or not. With {@code user-match: database}, the
     * users the database maps now and those kept when the purge deleted them.
     */
    @Override
    public StoreOutcomes verify(List<String> accountIds) {
        if (scrub != null) { // a kept user is left only while it is not disabled and scrubbed
            return StoreOutcomes.of(client.realm(), users.forEachUser(accountIds, (id, outcome) -> { },
                    KeycloakUsers.Lookup.WITH_DELETED, scrub::left));
        }
        return StoreOutcomes.of(client.realm(), users.forEachUser(accountIds, (id, outcome) -> { },
                KeycloakUsers.Lookup.WITH_DELETED, kcId -> {
                    client.pace(1);
                    try (Response response = client.userCalls().user(client.realm(), kcId)) {
                        int status = response.getStatus();
                        if (status == 401) { // a token Keycloak no longer accepts: fetched again, asked once more
                            throw new jakarta.ws.rs.NotAuthorizedException(response);
                        }
                        if (status == 404) {
                            return TargetOutcome.absent();
                        }
                        return status / 100 == 2 ? TargetOutcome.present(1) : TargetOutcome.failed("HTTP " + status);
                    }
                }));
    }

    /**
     * With {@code user-match: database}, whether the ids of the users a purge deleted are kept, so that the accounts
     * they stood for can be traced ({@link #keptAccounts}) after their rows are gone.
     */
    public boolean keepsDeletedIds() {
        return users.keepsDeletedIds();
    }

    /** The accounts whose Keycloak user ids a purge kept (see {@link #keepsDeletedIds}), in batches. */
    public void keptAccounts(java.util.function.Consumer<List<String>> batch) {
        users.keptAccounts(batch);
    }

    /**
     * Deletes the accounts' Keycloak users, those the database maps and, with {@code user-match: database}, those
     * kept when a purge deleted them (an account whose rows are gone: {@code orphans --purge}).
     */
    public StoreOutcomes removeWithKept(List<String> accountIds) {
        return StoreOutcomes.of(client.realm(), users.forEachUser(accountIds, (id, outcome) -> { },
                KeycloakUsers.Lookup.WITH_DELETED, this::deleteUser));
    }

    @Override
    public String checkedAs() {
        return users.match() == UserMatch.DATABASE ? STORE + " (the users the database maps, and those whose ids the"
                + " purge kept when it deleted them)" : STORE;
    }

    @Override
    public boolean verifiable() {
        return users.match() != UserMatch.DATABASE || keepsDeletedIds();
    }

    /**
     * Every user of the realm as the account it stands for (the key {@link KeycloakLookups#holdersAmong} and
     * {@link #remove} understand), in pages, leaving out service accounts. Not possible with {@code user-match:
     * database}.
     */
    public void accountKeys(java.util.function.Consumer<List<String>> batch) {
        if (users.match() == UserMatch.DATABASE) {
            throw new StoreException(STORE, "users matched by database cannot be listed as accounts", null,
                    "not_supported");
        }
        for (int first = 0; ; first += PAGE) {
            int from = first;
            List<UserRepresentation> page = client.call("list users of realm " + client.realm(),
                    () -> client.users().list(from, PAGE));
            batch.accept(page.stream().filter(u -> u.getServiceAccountClientId() == null
                            && (u.getUsername() == null || !u.getUsername().startsWith("service-account-")))
                    .map(users::memberKey).flatMap(Optional::stream).toList());
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /** Fails unless {@code user-id-sql} runs (for {@link UserMatch#DATABASE}); asks nothing of Keycloak. */
    public void checkLookup() {
        users.checkLookup();
    }

    /** Fails with a {@link StoreException} unless the client can log in and read the realm's users. */
    public void checkAccess() {
        client.checkAccess();
    }

    /**
     * Of the realm-management roles {@code needed}, those the client's service account does not hold (see
     * {@link KeycloakClient#missingRoles}).
     */
    public List<String> missingRoles(List<String> needed) {
        return client.missingRoles(needed);
    }

    /** One Keycloak user deleted: DELETED, ABSENT (404) or FAILED. */
    private TargetOutcome deleteUser(String kcId) {
        client.pace(1);
        try (Response response = client.users().delete(kcId)) {
            int status = response.getStatus();
            if (status == 404) {
                return TargetOutcome.absent();
            }
            if (status / 100 != 2) {
                return TargetOutcome.failed("HTTP " + status);
            }
            return TargetOutcome.deleted(1);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
