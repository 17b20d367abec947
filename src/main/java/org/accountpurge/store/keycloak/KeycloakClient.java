package org.accountpurge.store.keycloak;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.accountpurge.store.AccountStore.Removed;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.TargetOutcome;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;

/**
 * The purge's connection to one realm, through its own service-account client: the calls (a fresh token fetched when
 * Keycloak rejects the cached one, errors translated to {@link StoreException}s naming what failed), the pool that
 * runs one call per user, the rate limit, and the timeouts. The other classes of this package work through it.
 */
final class KeycloakClient implements AutoCloseable {

    static final String STORE = "keycloak";
    /** Step-log error of a call that got no answer within the configured timeout. */
    static final String TIMEOUT = "timeout";
    /** Step-log error of an account not tried because Keycloak had stopped answering earlier in the chunk. */
    static final String NOT_ATTEMPTED = "not_attempted_keycloak_unreachable";

    private final Keycloak keycloak;
    /** The realm's client proxy, made once: a RESTEasy proxy costs CPU to build, on the machine Keycloak shares. */
    private final RealmResource realmResource;
    private final org.keycloak.admin.client.resource.UsersResource usersResource;
    private final UserCalls userCalls;
    private final String realm;
    private final ExecutorService pool;
    private final Duration timeout;
    private final PerUserCalls perUser;

    KeycloakClient(KeycloakSettings settings) {
        this.keycloak = KeycloakConnections.serviceAccount(settings.url(), settings.realm(), settings.clientId(),
                settings.clientSecret(), settings.timeout(), settings.threads() + 2);
        this.realm = settings.realm();
        this.realmResource = keycloak.realm(realm);
        this.usersResource = realmResource.users();
        this.userCalls = keycloak.proxy(UserCalls.class, java.net.URI.create(settings.url()));
        this.timeout = settings.timeout();
        this.pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "keycloak-purge");
            t.setDaemon(true);
            return t;
        });
        this.perUser = new PerUserCalls(this, pool, new CallRate(settings.maxCallsPerSecond()), timeout);
    }

    String realm() {
        return realm;
    }

    RealmResource resource() {
        return realmResource;
    }

    org.keycloak.admin.client.resource.UsersResource users() {
        return usersResource;
    }

    /** Calls the admin REST API does not offer as the purge needs them (one user, its sessions, an update). */
    UserCalls userCalls() {
        return userCalls;
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
     * The response, when Keycloak did what was asked (2xx). Otherwise throws what the admin client would: on 401 a
     * {@link NotAuthorizedException} (a fresh token is fetched and the call made once more), on 404 (the user is gone)
     * and any other status a {@link WebApplicationException} carrying it.
     */
    static Response succeeded(Response response) {
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
    static boolean emptyArray(Response response) {
        try (response) {
            return succeeded(response).readEntity(List.class).isEmpty();
        }
    }

    /**
     * Waits for a slot of the rate limit for {@code calls} calls; the account's task on this thread gets that long
     * (see {@link PerUserCalls#pace}).
     */
    void pace(int calls) {
        perUser.pace(calls);
    }

    /** Runs the action for each account on the pool (see {@link PerUserCalls#each}). */
    Map<String, TargetOutcome> each(List<String> accountIds, Removed done, Function<String, TargetOutcome> action) {
        return perUser.each(accountIds, done, action);
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

    interface Call<T> {
        T run();
    }

    /**
     * Runs the call; when Keycloak rejects the cached token (revoked, realm re-created, session ended), fetches a
     * new one and runs it once more.
     */
    <T> T withFreshToken(Call<T> call) {
        try {
            return call.run();
        } catch (NotAuthorizedException e) {
            synchronized (this) {
                keycloak.tokenManager().grantToken();
            }
            return call.run();
        }
    }

    <T> T call(String what, Call<T> call) {
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

    static WebApplicationException httpCause(Throwable e) {
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
