package org.accountpurge.seed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.accountpurge.seed.ReferenceTenant.Table;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the reference tenant in all three stores: drops and recreates its tables, indexes and realm,
 * then writes the generated data with bulk APIs (JDBC batches, _bulk, Keycloak partial import), the three
 * stores in parallel. Logs counts only, never the generated people.
 */
public final class ReferenceTenantSeeder {

    private static final Logger log = LoggerFactory.getLogger(ReferenceTenantSeeder.class);
    private static final int JDBC_BATCH = 1000;

    private final DataSource dataSource;
    private final SeedIndexes elasticsearch;
    private final KeycloakRealmSetup keycloak;

    public ReferenceTenantSeeder(DataSource dataSource, SeedIndexes elasticsearch, KeycloakRealmSetup keycloak) {
        this.dataSource = dataSource;
        this.elasticsearch = elasticsearch;
        this.keycloak = keycloak;
    }

    /** Seeds and returns the manifest; {@code purgeClientSecret} becomes the purge service account's secret. */
    public SeedManifest seed(int users, int orgs, long seed, String purgeClientSecret) {
        Instant start = Instant.now();
        ReferenceTenant tenant = TenantGenerator.generate(users, orgs, seed);
        CompletableFuture<Void> pg = CompletableFuture.runAsync(() -> writePostgres(tenant));
        CompletableFuture<Void> es = CompletableFuture.runAsync(() -> writeElasticsearch(tenant));
        CompletableFuture<Void> kc = CompletableFuture.runAsync(() -> writeKeycloak(tenant, purgeClientSecret));
        try {
            CompletableFuture<Void> all = CompletableFuture.allOf(pg, es, kc);
            while (true) { // a long seeding says what it is still waiting for, every 10 s
                try {
                    all.get(10, java.util.concurrent.TimeUnit.SECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    System.err.println("  seeding " + users + " users, " + Duration.between(start, Instant.now())
                            .toSeconds() + " s: postgres " + (pg.isDone() ? "done" : "writing") + ", elasticsearch "
                            + (es.isDone() ? "done" : "indexing") + ", keycloak " + (kc.isDone() ? "done" : "importing"));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while seeding", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new java.util.concurrent.CompletionException(e.getCause());
                }
            }
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        SeedManifest manifest = manifest(tenant, users, orgs, seed);
        log.info("Seeded reference tenant ({} users, {} orgs, seed {}) in {} s: postgres {}, elasticsearch {}, keycloak {} users",
                users, orgs, seed, Duration.between(start, Instant.now()).toSeconds(), manifest.postgresRows(),
                manifest.elasticsearchDocuments(), manifest.keycloakUsers());
        return manifest;
    }

    public static SeedManifest manifest(ReferenceTenant tenant, int users, int orgs, long seed) {
        Map<String, Long> rows = new LinkedHashMap<>();
        tenant.tables().forEach((t, table) -> rows.put(t, (long) table.rows().size()));
        Map<String, Long> documents = new LinkedHashMap<>();
        tenant.documents().forEach((i, list) -> documents.put(i, (long) list.size()));
        return new SeedManifest(users, orgs, seed, ReferenceTenant.REALM, rows, documents,
                tenant.keycloakUsers().size(), tenant.userIdsByKind(), tenant.orgIdsByKind());
    }

    private void writePostgres(ReferenceTenant tenant) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(resource("drop.sql"));
                s.execute(resource("schema.sql"));
            }
            for (Map.Entry<String, Table> e : tenant.tables().entrySet()) {
                insert(c, e.getKey(), e.getValue());
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("Seeding PostgreSQL failed: " + e.getMessage(), e);
        }
    }

    private static void insert(Connection c, String name, Table table) throws SQLException {
        String sql = "INSERT INTO " + name + " (" + String.join(", ", table.columns()) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(table.columns().size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (Object[] row : table.rows()) {
                for (int i = 0; i < row.length; i++) {
                    Object v = row[i];
                    if (v instanceof String[] texts) {
                        ps.setArray(i + 1, c.createArrayOf("text", texts));
                    } else if (v instanceof UUID[] ids) {
                        ps.setArray(i + 1, c.createArrayOf("uuid", ids));
                    } else {
                        ps.setObject(i + 1, v);
                    }
                }
                ps.addBatch();
                if (++pending == JDBC_BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private void writeElasticsearch(ReferenceTenant tenant) {
        ReferenceTenant.INDEXES.forEach(elasticsearch::recreateIndex);
        tenant.documents().forEach((index, docs) -> {
            elasticsearch.bulkIndex(index, docs);
            elasticsearch.refresh(index);
        });
    }

    private void writeKeycloak(ReferenceTenant tenant, String purgeClientSecret) {
        keycloak.recreateRealm(ReferenceTenant.REALM, List.of(ReferenceTenant.KC_ROLE_PLATFORM_ADMIN),
                List.of(ReferenceTenant.KC_GROUP_SUPPORT), ReferenceTenant.PURGE_CLIENT_ID, purgeClientSecret);
        keycloak.importUsers(ReferenceTenant.REALM, tenant.keycloakUsers());
    }

    private static String resource(String name) {
        try (InputStream in = ReferenceTenantSeeder.class.getResourceAsStream("/reference-tenant/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("Missing resource reference-tenant/" + name, e);
        }
    }
}
