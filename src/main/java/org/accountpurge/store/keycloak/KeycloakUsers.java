package org.accountpurge.store.keycloak;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.accountpurge.config.KeycloakSection.UserMatch;
import org.accountpurge.store.AccountStore.Removed;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.TargetOutcome;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * How an account finds its Keycloak users ({@code purge.keycloak.user-match}): the user whose id is the account id,
 * the user with that username or attribute, or the users the tenant database maps it to (and, for those, the ids the
 * purge kept when it deleted them). Runs an action on each account's users.
 */
final class KeycloakUsers {

    private final KeycloakClient client;
    private final UserMatch match;
    private final String attribute;
    private final Function<List<String>, Map<String, List<String>>> keycloakIdsInDatabase;
    /** For {@link UserMatch#DATABASE}: where the Keycloak ids of deleted users are kept (null: nowhere). */
    private final org.accountpurge.store.ExternalIds deletedIds;

    KeycloakUsers(KeycloakClient client, UserMatch match, String attribute,
                  Function<List<String>, Map<String, List<String>>> keycloakIdsInDatabase,
                  org.accountpurge.store.ExternalIds deletedIds) { // KeycloakAccounts checked them
        this.client = client;
        this.match = match;
        this.attribute = attribute;
        this.keycloakIdsInDatabase = keycloakIdsInDatabase;
        this.deletedIds = deletedIds;
    }

    UserMatch match() {
        return match;
    }

    /**
     * With {@code user-match: database}, whether the ids of the users a purge deleted are kept, so that the accounts
     * they stood for can be traced ({@link #keptAccounts}) after their rows are gone.
     */
    boolean keepsDeletedIds() {
        return match == UserMatch.DATABASE && deletedIds != null;
    }

    /** The accounts whose Keycloak user ids a purge kept (see {@link #keepsDeletedIds}), in batches. */
    void keptAccounts(java.util.function.Consumer<List<String>> batch) {
        if (keepsDeletedIds()) {
            deletedIds.accounts(KeycloakClient.STORE, client.realm(), batch);
        }
    }

    /** Fails unless {@code user-id-sql} runs (for {@link UserMatch#DATABASE}); asks nothing of Keycloak. */
    void checkLookup() {
        if (match == UserMatch.DATABASE) {
            keycloakIdsInDatabase.apply(List.of());
        }
    }

    /**
     * Runs the action on each account's Keycloak user (several, when the database maps an account to more than one);
     * an account without one is ABSENT.
     */
    Map<String, TargetOutcome> forEachUser(List<String> accountIds, Function<String, TargetOutcome> action) {
        return forEachUser(accountIds, (id, outcome) -> { }, Lookup.AS_MAPPED, action);
    }

    /** How {@link UserMatch#DATABASE} finds the Keycloak users of a call. */
    enum Lookup {
        /** as the database maps them now */
        AS_MAPPED,
        /** as the database maps them now, kept ({@code deletedIds}) before the action removes them */
        RECORDED,
        /** as the database maps them now, and as kept when a purge deleted them */
        WITH_DELETED
    }

    /** ... telling {@code done} of each account whose outcome is not a failure, once all its users are done. */
    Map<String, TargetOutcome> forEachUser(List<String> accountIds, Removed done,
                                                   Lookup lookup, Function<String, TargetOutcome> action) {
        Map<String, List<String>> known = match == UserMatch.DATABASE ? databaseIds(accountIds) : Map.of();
        if (keepsDeletedIds() && lookup == Lookup.RECORDED) {
            deletedIds.record(KeycloakClient.STORE, client.realm(), known);
        } else if (keepsDeletedIds() && lookup == Lookup.WITH_DELETED) {
            Map<String, List<String>> all = new java.util.LinkedHashMap<>();
            known.forEach((id, kcIds) -> all.put(id, new ArrayList<>(kcIds)));
            deletedIds.recorded(KeycloakClient.STORE, client.realm(), accountIds).forEach((id, kcIds) -> {
                List<String> ids = all.computeIfAbsent(id, a -> new ArrayList<>());
                kcIds.stream().filter(kcId -> !ids.contains(kcId)).forEach(ids::add);
            });
            known = all;
        }
        Map<String, List<String>> users = known;
        return client.each(accountIds, done, id -> {
            List<String> kcIds = match == UserMatch.DATABASE ? users.getOrDefault(id, List.of())
                    : keycloakId(id).map(List::of).orElse(List.of());
            TargetOutcome outcome = TargetOutcome.absent();
            for (String kcId : kcIds) {
                outcome = outcome.plus(action.apply(kcId));
            }
            return outcome;
        });
    }

    private Map<String, List<String>> databaseIds(List<String> accountIds) {
        try {
            return keycloakIdsInDatabase.apply(accountIds);
        } catch (StoreException e) {
            throw new StoreException(KeycloakClient.STORE, "reading the Keycloak user ids (purge.keycloak.user-id-sql)"
                    + " failed: "
                    + e.errorType(), e, e.errorType());
        }
    }

    /**
     * The accounts (of {@code accountIds}) for which {@code test} holds for one of their Keycloak users. Nothing is
     * changed, so when Keycloak cannot answer for one account the whole call fails ({@code what} names it).
     */
    Set<String> accountsWhere(List<String> accountIds, String what, Function<String, Boolean> test) {
        Set<String> found = new HashSet<>();
        forEachUser(accountIds, kcId -> test.apply(kcId) ? TargetOutcome.present(1) : TargetOutcome.absent())
                .forEach((id, outcome) -> {
                    if (outcome.isFailure()) {
                        throw new StoreException(KeycloakClient.STORE, what + " of realm " + client.realm()
                                + " failed: "
                                + outcome.errorClass() + " (nothing of the chunk was touched)", null,
                                outcome.errorClass());
                    }
                    if (outcome.action() == TargetOutcome.Action.PRESENT) {
                        found.add(id);
                    }
                });
        return found;
    }

    /** The accounts (of {@code accountIds}) whose Keycloak user is one of {@code members} (role or group members). */
    Set<String> holdersAmong(Set<String> members, List<String> accountIds) {
        Set<String> holders = new HashSet<>();
        if (match == UserMatch.DATABASE) {
            databaseIds(accountIds).forEach((id, kcIds) -> {
                if (kcIds.stream().anyMatch(members::contains)) {
                    holders.add(id);
                }
            });
        } else {
            accountIds.stream().filter(id -> members.contains(key(id))).forEach(holders::add);
        }
        return holders;
    }

    /**
     * Whether Keycloak folds the key of an account to lower case ({@code user-match: username}: Keycloak keeps and
     * finds usernames in lower case), so that a key it lists may stand for an account id in other cases.
     */
    boolean foldsCase() {
        return match == UserMatch.USERNAME;
    }

    /** The account id as a key Keycloak lists ({@link #memberKey}): for usernames, in lower case. */
    private String key(String accountId) {
        return foldsCase() ? accountId.toLowerCase(java.util.Locale.ROOT) : accountId;
    }

    private Optional<String> keycloakId(String accountId) {
        if (match == UserMatch.USERNAME || match == UserMatch.ATTRIBUTE) {
            client.pace(1);
        }
        return switch (match) {
            case ID, DATABASE -> Optional.of(accountId); // a missing user answers 404 to the call itself
            case USERNAME -> single(client.users().searchByUsername(accountId, true), accountId);
            case ATTRIBUTE -> single(client.users().searchByAttributes(0, 2, null, true, true,
                    attribute + ":" + accountId), accountId);
        };
    }

    private Optional<String> single(List<UserRepresentation> found, String accountId) {
        if (found.size() > 1) {
            throw new IllegalStateException("more than one Keycloak user matches account " + accountId);
        }
        return found.stream().map(UserRepresentation::getId).findFirst();
    }

    Optional<String> memberKey(UserRepresentation user) {
        return switch (match) {
            case ID, DATABASE -> Optional.of(user.getId());
            case USERNAME -> Optional.ofNullable(user.getUsername()).map(this::key);
            case ATTRIBUTE -> Optional.ofNullable(user.getAttributes()).map(a -> a.get(attribute))
                    .filter(v -> !v.isEmpty()).map(v -> v.get(0));
        };
    }
}
