package org.accountpurge.store.keycloak;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.accountpurge.config.PurgeProperties.UserMatch;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.AccountStore.Removed;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The purge's view of the realm, through the purge's own service-account client: find a platform user's
 * Keycloak user, lock it out, delete it, and list who holds a role or a group. "Not found" is never an error.
 * As an {@link AccountStore} it locks the users out before any data goes and deletes them after the database rows
 * (still inside the chunk's transaction: a failure rolls the rows back).
 */
public final class KeycloakAccounts implements AccountStore, AutoCloseable {

    static final String STORE = "keycloak";
    /** Step-log error of a call that got no answer within the configured timeout. */
    public static final String TIMEOUT = "timeout";
    /** Step-log error of an account not tried because Keycloak had stopped answering earlier in the chunk. */
    public static final String NOT_ATTEMPTED = "not_attempted_keycloak_unreachable";
    private static final int PAGE = 500;

    private final Keycloak keycloak;
    /** The realm's client proxy, made once: a RESTEasy proxy costs CPU to build, on the machine Keycloak shares. */
    private final RealmResource realmResource;
    private final org.keycloak.admin.client.resource.UsersResource usersResource;
    private final UserCalls userCalls;
    private final String realm;
    private final UserMatch match;
    private final String attribute;
    private final Function<List<String>, Map<String, List<String>>> keycloakIdsInDatabase;
    /** For {@link UserMatch#DATABASE}: where the Keycloak ids of deleted users are kept (null: nowhere). */
    private final org.accountpurge.store.ExternalIds deletedIds;
    private final ExecutorService pool;
    private final Duration timeout;
    private final CallRate rate;

    /**
     * @param match                 how an account finds its Keycloak user
     * @param attribute             the user attribute holding the account id, for {@link UserMatch#ATTRIBUTE}
     * @param keycloakIdsInDatabase for {@link UserMatch#DATABASE}: the Keycloak user ids of accounts, read from the
     *                              tenant database (called once per chunk, before anything is deleted)
     * @param maxCallsPerSecond     calls a second over all threads (0: no limit)
     */
    public KeycloakAccounts(String url, String realm, String clientId, String clientSecret, Duration timeout, int threads,
                            UserMatch match, String attribute,
                            Function<List<String>, Map<String, List<String>>> keycloakIdsInDatabase,
                            int maxCallsPerSecond) {
        this(url, realm, clientId, clientSecret, timeout, threads, match, attribute, keycloakIdsInDatabase,
                maxCallsPerSecond, null);
    }

    /**
     * ... and, for {@link UserMatch#DATABASE}, {@code deletedIds}: where the Keycloak ids of the users a purge deletes
     * are kept before they go (with the rows that map them), so that {@link #verify} can look them up again.
     */
    public KeycloakAccounts(String url, String realm, String clientId, String clientSecret, Duration timeout, int threads,
                            UserMatch match, String attribute,
                            Function<List<String>, Map<String, List<String>>> keycloakIdsInDatabase,
                            int maxCallsPerSecond, org.accountpurge.store.ExternalIds deletedIds) {
        if (match == UserMatch.DATABASE && keycloakIdsInDatabase == null) {
            throw new IllegalArgumentException("user-match: database needs a lookup of Keycloak ids");
        }
        this.keycloak = KeycloakConnections.serviceAccount(url, realm, clientId, clientSecret, timeout, threads + 2);
        this.realmResource = keycloak.realm(realm);
        this.usersResource = realmResource.users();
        this.userCalls = keycloak.proxy(UserCalls.class, java.net.URI.create(url));
        this.realm = realm;
        this.match = match;
        this.attribute = attribute;
        this.keycloakIdsInDatabase = keycloakIdsInDatabase;
        this.deletedIds = deletedIds;
        this.timeout = timeout;
        this.rate = new CallRate(maxCallsPerSecond);
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "keycloak-purge");
            t.setDaemon(true);
            return t;
        });
    }

    public String realm() {
        return realm;
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
        return realm;
    }

    /**
     * Disables the accounts' users and ends their sessions (two calls per user; reversible, nothing is deleted): the
     * grace lifecycle's disable step. The purge itself deletes the user in one call ({@link #remove}).
     */
    public StoreOutcomes disable(List<String> accountIds) {
        return StoreOutcomes.of(realm, disableEach(accountIds));
    }

    @Override
    public StoreOutcomes remove(List<String> accountIds) {
        return remove(accountIds, (id, outcome) -> { });
    }

    /** Tells {@code removed} of each account as soon as its users are deleted (or found absent). */
    @Override
    public StoreOutcomes remove(List<String> accountIds, Removed removed) {
        return StoreOutcomes.of(realm, delete(accountIds, removed));
    }

    /**
     * Per account, whether a Keycloak user is still there (present 1) or not. With {@code user-match: database}, the
     * users the database maps now and those kept when the purge deleted them.
     */
    @Override
    public StoreOutcomes verify(List<String> accountIds) {
        return StoreOutcomes.of(realm, forEachUser(accountIds, (id, outcome) -> { }, Lookup.WITH_DELETED, kcId -> {
            pace(1);
            try (Response response = userCalls.user(realm, kcId)) {
                int status = response.getStatus();
                if (status == 401) { // a token Keycloak no longer accepts: fetched again, the lookup made once more
                    throw new NotAuthorizedException(response);
                }
                if (status == 404) {
                    return TargetOutcome.absent();
                }
                return status / 100 == 2 ? TargetOutcome.present(1) : TargetOutcome.failed("HTTP " + status);
            }
        }));
    }

    /**
     * With {@code user-match: database} only when the ids of deleted users are kept: the rows that map an account to
     * its Keycloak user go with it.
     */
    /**
     * With {@code user-match: database}, whether the ids of the users a purge deleted are kept, so that the accounts
     * they stood for can be traced ({@link #keptAccounts}) after their rows are gone.
     */
    public boolean keepsDeletedIds() {
        return match == UserMatch.DATABASE && deletedIds != null;
    }

    /** The accounts whose Keycloak user ids a purge kept (see {@link #keepsDeletedIds}), in batches. */
    public void keptAccounts(java.util.function.Consumer<List<String>> batch) {
        if (keepsDeletedIds()) {
            deletedIds.accounts(STORE, realm, batch);
        }
    }

    /**
     * Deletes the accounts' Keycloak users, those the database maps and, with {@code user-match: database}, those
     * kept when a purge deleted them (an account whose rows are gone: {@code orphans --purge}).
     */
    public StoreOutcomes removeWithKept(List<String> accountIds) {
        return StoreOutcomes.of(realm, forEachUser(accountIds, (id, outcome) -> { }, Lookup.WITH_DELETED, this::deleteUser));
    }

    @Override
    public String checkedAs() {
        return match == UserMatch.DATABASE ? STORE + " (the users the database maps, and those whose ids the purge kept"
                + " when it deleted them)" : STORE;
    }

    @Override
    public boolean verifiable() {
        return match != UserMatch.DATABASE || keepsDeletedIds();
    }

    /**
     * Every user of the realm as the account it stands for (the key {@link #holdersAmong} and {@link #remove}
     * understand), in pages, leaving out service accounts. Not possible with {@code user-match: database}.
     */
    public void accountKeys(java.util.function.Consumer<List<String>> batch) {
        if (match == UserMatch.DATABASE) {
            throw new StoreException(STORE, "users matched by database cannot be listed as accounts", null,
                    "not_supported");
        }
        for (int first = 0; ; first += PAGE) {
            int from = first;
            List<UserRepresentation> page = call("list users of realm " + realm,
                    () -> users().list(from, PAGE));
            batch.accept(page.stream().filter(u -> u.getServiceAccountClientId() == null
                            && (u.getUsername() == null || !u.getUsername().startsWith("service-account-")))
                    .map(this::memberKey).flatMap(Optional::stream).toList());
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /** Fails unless {@code user-id-sql} runs (for {@link UserMatch#DATABASE}); asks nothing of Keycloak. */
    public void checkLookup() {
        if (match == UserMatch.DATABASE) {
            keycloakIdsInDatabase.apply(List.of());
        }
    }

    /** Fails with a {@link StoreException} unless the client can log in and read the realm's users. */
    public void checkAccess() {
        call("read users of realm " + realm, () -> users().count());
    }

    /**
     * Of the realm-management roles {@code needed}, those the client's service account does not hold: read from the
     * roles its access token carries (effective roles, composites expanded, as Keycloak checks them), in the order
     * asked. Without this check a client lacking {@code manage-users} passed the preflight and every account FAILED
     * at run time.
     */
    public List<String> missingRoles(List<String> needed) {
        String token = call("the client's access token", () -> keycloak.tokenManager().getAccessTokenString());
        java.util.Set<String> held = new java.util.HashSet<>();
        try {
            String[] parts = token.split("\\.");
            byte[] payload = java.util.Base64.getUrlDecoder().decode(parts.length > 1 ? parts[1] : "");
            com.fasterxml.jackson.databind.JsonNode roles = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(payload).path("resource_access").path("realm-management").path("roles");
            roles.forEach(role -> held.add(role.asText()));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new StoreException(STORE, "the client's access token cannot be read: " + e.getClass().getSimpleName(),
                    e, "unreadable_token");
        }
        return needed.stream().filter(role -> !held.contains(role)).toList();
    }

    /**
     * Disables each account's Keycloak user and ends its sessions: DISABLED, ABSENT or FAILED per account. Two
     * calls per user (Keycloak has no bulk API, so calls per user bound the purge); a missing user answers 404.
     */
    private Map<String, TargetOutcome> disableEach(List<String> accountIds) {
        return forEachUser(accountIds, kcId -> {
            pace(2);
            UserRepresentation disable = new UserRepresentation();
            disable.setEnabled(false);
            try (Response response = userCalls.update(realm, kcId, disable)) { // only the enabled flag changes
                succeeded(response);
            }
            try (Response response = userCalls.logout(realm, kcId)) {
                succeeded(response);
            }
            return TargetOutcome.disabled();
        });
    }

    /** Keycloak events that show a user was active: an interactive login, a code exchanged, a token refreshed. */
    static final List<String> ACTIVITY_EVENTS = List.of("LOGIN", "CODE_TO_TOKEN", "REFRESH_TOKEN");

    /**
     * The accounts whose Keycloak user was active after {@code since}: an activity event of that user (when the realm
     * stores events) or any session, online or offline. When Keycloak cannot answer for an account, the call fails
     * (the chunk fails before anything of it is touched, and is retried or restarted): a doubt never purges.
     */
    public Set<String> activeSince(List<String> accountIds, java.time.Instant since) {
        List<String> offlineClients = call("clients with offline sessions", () -> resource().getClientSessionStats()
                .stream().filter(stat -> !"0".equals(String.valueOf(stat.getOrDefault("offline", "0"))))
                .map(stat -> stat.get("id")).filter(java.util.Objects::nonNull).toList());
        String day = java.time.LocalDate.ofInstant(since, java.time.ZoneOffset.UTC).toString();
        return accountsWhere(accountIds, "reading the activity of users", kcId -> {
            pace(2 + offlineClients.size());
            boolean active = resource().getEvents(ACTIVITY_EVENTS, null, kcId, day, null, null, 0, 1).stream()
                    .anyMatch(e -> e.getTime() >= since.toEpochMilli());
            return active || !emptyArray(userCalls.sessions(realm, kcId))
                    || offlineClients.stream().anyMatch(client -> !emptyArray(userCalls.offlineSessions(realm, kcId,
                            client)));
        });
    }

    /** The accounts (of {@code accountIds}) whose Keycloak user exists and is enabled; a failed call throws. */
    public Set<String> enabledAmong(List<String> accountIds) {
        return accountsWhere(accountIds, "reading whether users are enabled", kcId -> {
            pace(1);
            try (Response response = userCalls.user(realm, kcId)) {
                return Boolean.TRUE.equals(succeeded(response).readEntity(UserRepresentation.class).isEnabled());
            }
        });
    }

    /**
     * The response, when Keycloak did what was asked (2xx). Otherwise throws what the admin client would: on 401 a
     * {@link NotAuthorizedException} (a fresh token is fetched and the call made once more), on 404 (the user is gone)
     * and any other status a {@link WebApplicationException} carrying it.
     */
    private static Response succeeded(Response response) {
        int status = response.getStatus();
        if (status == 401) {
            throw new NotAuthorizedException(response);
        }
        if (status / 100 != 2) {
            throw new WebApplicationException(response);
        }
        return response;
    }

    /** Whether the answer, a JSON array, is empty; closes it. */
    private static boolean emptyArray(Response response) {
        try (response) {
            return succeeded(response).readEntity(List.class).isEmpty();
        }
    }

    /**
     * The accounts (of {@code accountIds}) for which {@code test} holds for one of their Keycloak users. Nothing is
     * changed, so when Keycloak cannot answer for one account the whole call fails ({@code what} names it).
     */
    private Set<String> accountsWhere(List<String> accountIds, String what, Function<String, Boolean> test) {
        Set<String> found = new HashSet<>();
        forEachUser(accountIds, kcId -> test.apply(kcId) ? TargetOutcome.present(1) : TargetOutcome.absent())
                .forEach((id, outcome) -> {
                    if (outcome.isFailure()) {
                        throw new StoreException(STORE, what + " of realm " + realm + " failed: "
                                + outcome.errorClass() + " (nothing of the chunk was touched)", null,
                                outcome.errorClass());
                    }
                    if (outcome.action() == TargetOutcome.Action.PRESENT) {
                        found.add(id);
                    }
                });
        return found;
    }

    /**
     * Why the realm's events cannot show activity over {@code window} (events not stored, or kept for less), or null
     * when they can.
     */
    public String eventsProblem(Duration window) {
        org.keycloak.representations.idm.RealmEventsConfigRepresentation events = call("the realm's events settings",
                () -> resource().getRealmEventsConfig());
        if (!Boolean.TRUE.equals(events.isEventsEnabled())) {
            return "realm " + realm + " stores no login events: only sessions and the database column show activity";
        }
        List<String> types = events.getEnabledEventTypes();
        if (types != null && !types.isEmpty() && !types.contains("LOGIN")) {
            return "realm " + realm + " does not store LOGIN events: only sessions and the database column show"
                    + " activity";
        }
        Long expiration = events.getEventsExpiration();
        if (expiration != null && expiration > 0 && Duration.ofSeconds(expiration).compareTo(window) < 0) {
            return "realm " + realm + " keeps events for " + Duration.ofSeconds(expiration).toDays() + " days, less"
                    + " than the inactivity window of " + window.toDays() + " days";
        }
        return null;
    }

    /** Deletes each account's Keycloak user: DELETED, ABSENT (404) or FAILED per account. */
    private Map<String, TargetOutcome> delete(List<String> accountIds, Removed removed) {
        return forEachUser(accountIds, removed, Lookup.RECORDED, this::deleteUser);
    }

    /** One Keycloak user deleted: DELETED, ABSENT (404) or FAILED. */
    private TargetOutcome deleteUser(String kcId) {
        pace(1);
        try (Response response = users().delete(kcId)) {
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

    /**
     * Runs the action on each account's Keycloak user (several, when the database maps an account to more than one);
     * an account without one is ABSENT.
     */
    private Map<String, TargetOutcome> forEachUser(List<String> accountIds, Function<String, TargetOutcome> action) {
        return forEachUser(accountIds, (id, outcome) -> { }, Lookup.AS_MAPPED, action);
    }

    /** How {@link UserMatch#DATABASE} finds the Keycloak users of a call. */
    private enum Lookup {
        /** as the database maps them now */
        AS_MAPPED,
        /** as the database maps them now, kept ({@code deletedIds}) before the action removes them */
        RECORDED,
        /** as the database maps them now, and as kept when a purge deleted them */
        WITH_DELETED
    }

    /** ... telling {@code done} of each account whose outcome is not a failure, once all its users are done. */
    private Map<String, TargetOutcome> forEachUser(List<String> accountIds, Removed done,
                                                   Lookup lookup, Function<String, TargetOutcome> action) {
        Map<String, List<String>> known = match == UserMatch.DATABASE ? databaseIds(accountIds) : Map.of();
        if (keepsDeletedIds() && lookup == Lookup.RECORDED) {
            deletedIds.record(STORE, realm, known);
        } else if (keepsDeletedIds() && lookup == Lookup.WITH_DELETED) {
            Map<String, List<String>> all = new java.util.LinkedHashMap<>();
            known.forEach((id, kcIds) -> all.put(id, new ArrayList<>(kcIds)));
            deletedIds.recorded(STORE, realm, accountIds).forEach((id, kcIds) -> kcIds.forEach(kcId -> {
                List<String> ids = all.computeIfAbsent(id, a -> new ArrayList<>());
                if (!ids.contains(kcId)) {
                    ids.add(kcId);
                }
            }));
            known = all;
        }
        Map<String, List<String>> users = known;
        return each(accountIds, done, id -> {
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
            throw new StoreException(STORE, "reading the Keycloak user ids (purge.keycloak.user-id-sql) failed: "
                    + e.errorType(), e, e.errorType());
        }
    }

    /**
     * Who holds the realm role directly, as keys {@link #holdersAmong} understands (the account id, or for
     * {@code user-match: database} the Keycloak user id).
     */
    public Set<String> roleMembers(String role) {
        return call("members of role " + role, () -> {
            Set<String> ids = new HashSet<>();
            for (int first = 0; ; first += PAGE) {
                List<UserRepresentation> page = resource().roles().get(role).getUserMembers(true, first, PAGE);
                page.forEach(u -> memberKey(u).ifPresent(ids::add));
                if (page.size() < PAGE) {
                    return ids;
                }
            }
        });
    }

    /** The accounts (of {@code accountIds}) whose Keycloak user is one of {@code members} (from roleMembers/groupMembers). */
    public Set<String> holdersAmong(Set<String> members, List<String> accountIds) {
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
    public boolean foldsCase() {
        return match == UserMatch.USERNAME;
    }

    /** The account id as a key Keycloak lists ({@link #memberKey}): for usernames, in lower case. */
    private String key(String accountId) {
        return foldsCase() ? accountId.toLowerCase(java.util.Locale.ROOT) : accountId;
    }

    /** The members of the top-level group with this exact name, as keys {@link #holdersAmong} understands. */
    public Set<String> groupMembers(String name) {
        return call("members of group " + name, () -> {
            List<GroupRepresentation> groups = resource().groups().groups(name, true, 0, 10, true);
            GroupRepresentation group = groups.stream().filter(g -> name.equals(g.getName())).findFirst()
                    .orElseThrow(() -> new StoreException(STORE, "realm " + realm + " has no group " + name, null));
            Set<String> ids = new HashSet<>();
            for (int first = 0; ; first += PAGE) {
                List<UserRepresentation> page = resource().groups().group(group.getId()).members(first, PAGE, true);
                page.forEach(u -> memberKey(u).ifPresent(ids::add));
                if (page.size() < PAGE) {
                    return ids;
                }
            }
        });
    }

    private Optional<String> keycloakId(String accountId) {
        if (match == UserMatch.USERNAME || match == UserMatch.ATTRIBUTE) {
            pace(1);
        }
        return switch (match) {
            case ID, DATABASE -> Optional.of(accountId); // a missing user answers 404 to the call itself
            case USERNAME -> single(users().searchByUsername(accountId, true), accountId);
            case ATTRIBUTE -> single(users().searchByAttributes(0, 2, null, true, true,
                    attribute + ":" + accountId), accountId);
        };
    }

    private Optional<String> single(List<UserRepresentation> found, String accountId) {
        if (found.size() > 1) {
            throw new IllegalStateException("more than one Keycloak user matches account " + accountId);
        }
        return found.stream().map(UserRepresentation::getId).findFirst();
    }

    private Optional<String> memberKey(UserRepresentation user) {
        return switch (match) {
            case ID, DATABASE -> Optional.of(user.getId());
            case USERNAME -> Optional.ofNullable(user.getUsername()).map(this::key);
            case ATTRIBUTE -> Optional.ofNullable(user.getAttributes()).map(a -> a.get(attribute))
                    .filter(v -> !v.isEmpty()).map(v -> v.get(0));
        };
    }

    /**
     * Waits for a slot of the rate limit for {@code calls} calls, then gives the account's task that long (three
     * timeouts per call) from now: the time a call waits for its slot never counts against it.
     */
    private void pace(int calls) {
        rate.acquire(calls);
        java.util.concurrent.atomic.AtomicLong until = CALL_DEADLINE.get();
        if (until != null) {
            until.set(System.nanoTime() + calls * perCall());
        }
    }

    /** How long one call may take before its account is FAILED {@code timeout}: connect, read, a token fetched again. */
    private long perCall() {
        return 3 * timeout.toNanos();
    }

    /** The deadline of the account's task running on this thread (see {@link #pace}). */
    private static final ThreadLocal<java.util.concurrent.atomic.AtomicLong> CALL_DEADLINE = new ThreadLocal<>();

    /**
     * Runs the action for each account on the pool. Every call has the configured connect and read timeout, and no
     * account's task waits past three timeouts per call it makes, counted from when the call got its slot of the rate
     * limit (never per batch: a paced chunk takes as long as its calls need). Once one call finds Keycloak unreachable
     * (timeout, refused connection), the accounts not yet started are not attempted (FAILED {@code not_attempted}): a
     * frozen Keycloak fails the chunk in about the configured timeout, not in one timeout per account.
     */
    private Map<String, TargetOutcome> each(List<String> accountIds, Removed done,
                                            Function<String, TargetOutcome> action) {
        AtomicReference<String> unreachable = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        Map<String, Future<TargetOutcome>> futures = new LinkedHashMap<>();
        Map<String, java.util.concurrent.atomic.AtomicLong> deadlines = new java.util.HashMap<>();
        accountIds.forEach(id -> {
            java.util.concurrent.atomic.AtomicLong until = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
            deadlines.put(id, until);
            futures.put(id, pool.submit(() -> {
                if (!until.compareAndSet(Long.MAX_VALUE, System.nanoTime() + perCall())) {
                    return TargetOutcome.failed(NOT_ATTEMPTED); // given up before it started (see await)
                }
                CALL_DEADLINE.set(until);
                try {
                    TargetOutcome outcome = attempt(id, unreachable, action);
                    if (!outcome.isFailure() && !answered.get()) { // not after the call gave up waiting for it
                        done.removed(id, outcome); // the user is gone: the account's other data may go
                    }
                    return outcome;
                } finally {
                    CALL_DEADLINE.remove();
                }
            }));
        });
        try {
            return outcomes(futures, deadlines, unreachable);
        } finally {
            answered.set(true);
        }
    }

    private TargetOutcome attempt(String id, AtomicReference<String> unreachable,
                                  Function<String, TargetOutcome> action) {
        if (unreachable.get() != null) {
            return TargetOutcome.failed(NOT_ATTEMPTED);
        }
        try {
            return withFreshToken(() -> action.apply(id));
        } catch (WebApplicationException e) {
            return e.getResponse().getStatus() == 404 ? TargetOutcome.absent()
                    : TargetOutcome.failed("HTTP " + e.getResponse().getStatus());
        } catch (ProcessingException e) {
            WebApplicationException web = httpCause(e);
            if (web != null) {
                return TargetOutcome.failed("HTTP " + web.getResponse().getStatus());
            }
            String error = transportError(e);
            unreachable.compareAndSet(null, error);
            return TargetOutcome.failed(error);
        } catch (RuntimeException e) {
            return TargetOutcome.failed(e.getClass().getSimpleName());
        }
    }

    /**
     * Each account's outcome, waited for until its own deadline ({@link #pace}); an account whose task has not started
     * yet (the pool's threads busy with others) is waited for as long as the others progress.
     */
    private Map<String, TargetOutcome> outcomes(Map<String, Future<TargetOutcome>> futures,
                                                Map<String, java.util.concurrent.atomic.AtomicLong> deadlines,
                                                AtomicReference<String> unreachable) {
        Map<String, TargetOutcome> outcomes = new LinkedHashMap<>();
        futures.forEach((id, f) -> {
            try {
                outcomes.put(id, await(f, deadlines.get(id), unreachable));
            } catch (TimeoutException e) {
                f.cancel(true);
                unreachable.compareAndSet(null, TIMEOUT);
                outcomes.put(id, TargetOutcome.failed(TIMEOUT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.put(id, TargetOutcome.failed("Interrupted"));
            } catch (ExecutionException e) {
                outcomes.put(id, TargetOutcome.failed(e.getCause().getClass().getSimpleName()));
            }
        });
        return outcomes;
    }

    /** The task's outcome once it is done; a {@link TimeoutException} once its deadline (moved by each call) passed. */
    private TargetOutcome await(Future<TargetOutcome> f, java.util.concurrent.atomic.AtomicLong until,
                                AtomicReference<String> unreachable)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            long deadline = until.get();
            if (deadline == Long.MAX_VALUE && unreachable.get() != null
                    && until.compareAndSet(Long.MAX_VALUE, Long.MIN_VALUE)) {
                return TargetOutcome.failed(NOT_ATTEMPTED); // not started, and Keycloak stopped answering meanwhile
            }
            long left = deadline == Long.MAX_VALUE ? perCall() : deadline - System.nanoTime();
            if (left <= 0 && !f.isDone()) {
                throw new TimeoutException();
            }
            try {
                return f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (until.get() == deadline && deadline != Long.MAX_VALUE) { // not moved on by a later call
                    throw e;
                }
            }
        }
    }

    /** {@code timeout}, {@code connection_refused} or the transport error's class: what the step log records. */
    static String transportError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return TIMEOUT;
            }
            if (t instanceof java.net.ConnectException) {
                return "connection_refused";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private RealmResource resource() {
        return realmResource;
    }

    private org.keycloak.admin.client.resource.UsersResource users() {
        return usersResource;
    }

    private interface Call<T> {
        T run();
    }

    /**
     * Runs the call; when Keycloak rejects the cached token (revoked, realm re-created, session ended), fetches a
     * new one and runs it once more.
     */
    private <T> T withFreshToken(Call<T> call) {
        try {
            return call.run();
        } catch (NotAuthorizedException e) {
            synchronized (this) {
                keycloak.tokenManager().grantToken();
            }
            return call.run();
        }
    }

    private <T> T call(String what, Call<T> call) {
        try {
            return withFreshToken(call);
        } catch (WebApplicationException | ProcessingException e) {
            // a refused token request reaches us as a ProcessingException around the HTTP error
            WebApplicationException web = e instanceof WebApplicationException w ? w : httpCause(e);
            if (web == null) {
                String error = transportError(e);
                throw new StoreException(STORE, what + " failed: " + error + (TIMEOUT.equals(error)
                        ? " (no answer within purge.keycloak.timeout " + timeout + ")" : ""), e, error);
            }
            int status = web.getResponse().getStatus();
            if (status == 401) {
                throw new StoreException(STORE, what + " failed: HTTP 401, Keycloak refused the client's credentials"
                        + " (unauthorized client / wrong secret: purge.keycloak.client-id, client-secret)", e,
                        "unauthorized_client");
            }
            if (status == 403) {
                throw new StoreException(STORE, what + " failed: HTTP 403, the client's service account lacks a"
                        + " realm-management role (view-users, query-users, manage-users, query-groups, view-realm)",
                        e, "forbidden");
            }
            throw new StoreException(STORE, what + " failed: HTTP " + status, e, "HTTP " + status);
        }
    }

    private static WebApplicationException httpCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof WebApplicationException web) {
                return web;
            }
        }
        return null;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        keycloak.close();
    }
}
