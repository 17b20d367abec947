package org.accountpurge.dev;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.ReferenceTenantSeeder;
import org.accountpurge.seed.SeedIndexes;
import org.accountpurge.stack.LocalStack;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.seed.TenantGenerator;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.databind.json.JsonMapper;

/** Development tooling: seeds the reference tenant into a local stack and writes the manifest; writes the sample cleanup CSV. */
public final class SeedCommand {

    public static final int DEFAULT_USERS = 2000;
    public static final int DEFAULT_ORGS = 60;
    public static final long DEFAULT_SEED = 42;

    private SeedCommand() {
    }

    /**
     * Drops and recreates the reference tenant in the stack's stores — only servers this stack started itself
     * ({@link LocalStack#ownServers()}): never a store named by the purge's PURGE_* variables.
     */
    public static SeedManifest seed(LocalStack localStack, int users, int orgs, long seed, String purgeClientSecret,
                                    Path manifestFile) {
        return seed(localStack, localStack.endpoints().search(), users, orgs, seed, purgeClientSecret, manifestFile);
    }

    /** ... with its documents in the stack's search server of {@code search} (started if the stack has none yet). */
    public static SeedManifest seed(LocalStack localStack, org.accountpurge.store.search.SearchServer.Engine search,
                                    int users, int orgs, long seed, String purgeClientSecret, Path manifestFile) {
        localStack.endpoints(search);
        StackEndpoints stack = localStack.ownServers(search);
        PGSimpleDataSource ds = dataSource(stack);
        try (SeedIndexes es = new SeedIndexes(stack.elasticsearchUrl());
             KeycloakRealmSetup kc = new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(),
                     stack.keycloakAdminPassword(), Duration.ofSeconds(120))) {
            SeedManifest manifest = new ReferenceTenantSeeder(ds, es, kc).seed(users, orgs, seed, purgeClientSecret);
            if (manifestFile != null) {
                writeJson(manifestFile, manifest);
            }
            return manifest;
        }
    }

    public static PGSimpleDataSource dataSource(StackEndpoints stack) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(stack.jdbcUrl());
        ds.setUser(stack.jdbcUser());
        ds.setPassword(stack.jdbcPassword());
        ds.setReWriteBatchedInserts(true);
        return ds;
    }

    /** The legacy-state cleanup CSV that matches the seeder's output for these arguments. */
    public static void writeSampleCsv(Path file, int users, int orgs, long seed) {
        ReferenceTenant tenant = TenantGenerator.generate(users, orgs, seed);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer w = Files.newBufferedWriter(file)) {
                w.write(sampleCsv(tenant.legacyCleanupRows()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file, e);
        }
    }

    public static String sampleCsv(List<String[]> rows) {
        StringBuilder csv = new StringBuilder("account_id,kind\n");
        rows.forEach(r -> csv.append(r[0]).append(',').append(r[1]).append('\n'));
        return csv.toString();
    }

    public static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file, e);
        }
    }
}
