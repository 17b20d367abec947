package org.accountpurge.dev;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.accountpurge.account.AccountKind;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.postgres.PostgresAccounts;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the benchmark compares the job with, measured on the same stack in the same run, each on accounts of its own:
 * a plain HTTP client deleting Keycloak users at the job's concurrency (keep-alive connections, one token), and the
 * naive way — one account at a time, every store called for that account alone.
 */
final class BenchLimits {

    private BenchLimits() {
    }

    /** Users deleted per second by {@code threads} plain clients, one {@code DELETE /users/{id}} each. */
    static double rawKeycloakDeletes(String url, String realm, String clientId, String secret, List<String> ids,
                                     int threads) throws Exception {
        return rawKeycloakCalls(url, realm, clientId, secret, ids, threads, "DELETE");
    }

    /**
     * Users looked up per second by {@code threads} plain clients, one {@code GET /users/{id}} each: what the job's
     * verification asks of Keycloak for every purged user (of users already deleted, a 404 each).
     */
    static double rawKeycloakLookups(String url, String realm, String clientId, String secret, List<String> ids,
                                     int threads) throws Exception {
        return rawKeycloakCalls(url, realm, clientId, secret, ids, threads, "GET");
    }

    private static double rawKeycloakCalls(String url, String realm, String clientId, String secret, List<String> ids,
                                           int threads, String method) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<String> tokenResponse = http.send(HttpRequest.newBuilder(URI.create(url + "/realms/" + realm
                        + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        String token = JsonMapper.builder().build().readTree(tokenResponse.body()).get("access_token").asString();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<Integer>> calls = new ArrayList<>();
            for (String id : ids) {
                calls.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(url + "/admin/realms/" + realm
                        + "/users/" + id)).header("Authorization", "Bearer " + token).method(method,
                                HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
            for (Future<Integer> call : calls) {
                int status = call.get();
                if (status / 100 != 2 && status != 404) {
                    throw new IllegalStateException("raw Keycloak " + method + " answered " + status);
                }
            }
            return ids.size() / Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Accounts per second one store removes when given all {@code ids} in one call (set-based, no step log, no
     * chunking); the database in one transaction.
     */
    static double rawStore(TenantStores stores, String name, List<String> ids,
                           org.springframework.transaction.PlatformTransactionManager tm) {
        PostgresAccounts postgres = stores.postgres(AccountKind.USER);
        AccountStore store = stores.forKind(AccountKind.USER, postgres).stream().filter(s -> s.name().equals(name))
                .findFirst().orElseThrow();
        long start = System.nanoTime();
        if (tm == null) {
            store.remove(ids);
        } else {
            new org.springframework.transaction.support.TransactionTemplate(tm).executeWithoutResult(
                    status -> store.remove(ids));
        }
        return ids.size() / Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Accounts per second the naive way: one account at a time, each store called for it alone (one statement per
     * table, one request per index, one Keycloak call unless {@code withKeycloak} is false), no batching, no
     * concurrency.
     */
    static double naive(TenantStores stores, List<String> ids, boolean withKeycloak) {
        PostgresAccounts postgres = stores.postgres(AccountKind.USER);
        List<AccountStore> all = stores.forKind(AccountKind.USER, postgres).stream()
                .filter(store -> withKeycloak || !store.name().equals("keycloak")).toList();
        long start = System.nanoTime();
        for (String id : ids) {
            for (AccountStore store : all) {
                store.remove(List.of(id));
            }
        }
        return ids.size() / Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    }
}
