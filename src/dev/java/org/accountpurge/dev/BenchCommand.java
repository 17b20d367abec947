package org.accountpurge.dev;

import org.accountpurge.cli.JobRuns;
import org.accountpurge.cli.RunPrinter;
import org.accountpurge.cli.TenantContext;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.stack.LocalStack;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code bench}: seeds a tenant of N users into a fresh local stack; measures on accounts of their own a plain
 * client deleting Keycloak users at the job's concurrency (Keycloak, with no bulk API, bounds the purge) and the
 * naive one-account-at-a-time way; then purges the other never-logged-in and inactive users with the reference
 * configuration and prints wall time per step, throughput, the ratios, the heap's peak use and the CPU each server and
 * the purge JVM used during the purge step (their JIT compilers' share apart), and writes the figures as JSON under
 * target/bench.
 */
final class BenchCommand {

    private static Map<String, Object> stackProperties(LocalStack stack, String secret) {
        Map<String, Object> p = new LinkedHashMap<>(stack.endpoints().asPurgeProperties());
        p.put("PURGE_KC_CLIENT_SECRET", secret);
        return p;
    }

    /** Users seeded when {@code --users} is not given. */
    static final int DEFAULT_USERS = 20_000;
    /** Keycloak deletes of active users before anything is measured (Keycloak is slow until its code is warm). */
    static final int DEFAULT_WARM_UP = 300;
    private static final int WARM_UP_ROUND = 200;

    private BenchCommand() {
    }

    /**
     * @param keycloakRate the purge's Keycloak calls a second ({@code purge.keycloak.max-calls-per-second}; 0: none):
     *                     a limit below what Keycloak can do shows how much of the rest of the work hides behind it
     */
    static int run(int users, int chunkSize, long seed, int keycloakRate, int warmUpDeletes) throws Exception {
        return run(users, chunkSize, seed, keycloakRate, warmUpDeletes, 1, 1);
    }

    /** ... with each kind's steps in {@code partitions} partitions, {@code workers} at once ({@code purge.job.*}). */
    static int run(int users, int chunkSize, long seed, int keycloakRate, int warmUpDeletes, int partitions,
                   int workers) throws Exception {
        return run(users, chunkSize, seed, keycloakRate, warmUpDeletes, partitions, workers, false);
    }

    /**
     * ... and with {@code remote}, the partitions worked by {@code workers} worker processes over an embedded Artemis
     * broker ({@code purge.job.remote}), this JVM the manager; each worker's CPU is counted apart.
     */
    static int run(int users, int chunkSize, long seed, int keycloakRate, int warmUpDeletes, int partitions,
                   int workers, boolean remote) throws Exception {
        try (org.accountpurge.stack.EmbeddedBroker broker = remote ? org.accountpurge.stack.EmbeddedBroker.start(
                Path.of("target/bench/broker")) : null) {
            return run(users, chunkSize, seed, keycloakRate, warmUpDeletes, partitions, workers, broker);
        }
    }

    private static int run(int users, int chunkSize, long seed, int keycloakRate, int warmUpDeletes, int partitions,
                           int workers, org.accountpurge.stack.EmbeddedBroker broker) throws Exception {
        int orgs = Math.max(4, users / 30);
        try (LocalStack stack = LocalStack.start(Path.of("target/stack"))) {
            String secret = DevMain.randomSecret();
            long t0 = System.nanoTime();
            SeedManifest manifest = SeedCommand.seed(stack, users, orgs, seed, secret, null);
            Duration seeding = Duration.ofNanos(System.nanoTime() - t0);
            List<String> candidates = new ArrayList<>(manifest.userIds().get("neverLoggedIn"));
            candidates.addAll(manifest.userIds().get("inactive"));
            candidates.sort(null);
            // accounts of their own for the raw Keycloak delete and the naive baseline (never in the job's CSV)
            List<String> withKeycloak = withKeycloakNotRetained(manifest, candidates);
            java.util.Collections.shuffle(withKeycloak, new java.util.Random(seed));
            int sample = Math.max(30, Math.min(600, candidates.size() / 5));
            List<String> rawSample = withKeycloak.subList(0, sample);
            int naiveSize = Math.max(10, sample / 8);
            List<String> naiveSample = withKeycloak.subList(sample, sample + naiveSize);
            // the naive way for a tenant without Keycloak: the same, database and Elasticsearch only
            List<String> naiveNoKeycloakSample = withKeycloak.subList(sample + naiveSize, sample + 2 * naiveSize);
            candidates.removeAll(rawSample);
            candidates.removeAll(naiveSample);
            candidates.removeAll(naiveNoKeycloakSample);
            // half of the rest for the job without Keycloak (database + Elasticsearch only); not the accounts only a
            // Keycloak rule retains: without Keycloak that job could not see why they stay
            List<String> noKeycloak = new ArrayList<>(candidates);
            for (String kind : List.of("platformAdmins", "supportStaff")) {
                noKeycloak.removeAll(manifest.userIds().get(kind));
            }
            java.util.Collections.shuffle(noKeycloak, new java.util.Random(seed + 1));
            noKeycloak = new ArrayList<>(noKeycloak.subList(0, noKeycloak.size() / 2));
            noKeycloak.sort(null);
            candidates.removeAll(noKeycloak);
            // an unmeasured job first, on accounts of its own: the purge JVM compiles its code for deleting (JIT) while
            // it runs, a cost a real purge of many accounts pays once (in a job of a few hundred accounts, most of the
            // purge JVM's CPU)
            List<String> warmUpJob = new ArrayList<>(candidates);
            java.util.Collections.shuffle(warmUpJob, new java.util.Random(seed + 2));
            warmUpJob = new ArrayList<>(warmUpJob.subList(0, Math.min(300, warmUpJob.size() / 4)));
            warmUpJob.sort(null);
            candidates.removeAll(warmUpJob);
            Path csv = writeCsv(Path.of("target/bench/candidates.csv"), candidates);
            Path warmUpCsv = writeCsv(Path.of("target/bench/candidates-warm-up.csv"), warmUpJob);
            Path noKeycloakCsv = writeCsv(Path.of("target/bench/candidates-no-keycloak.csv"), noKeycloak);

            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("purge.job.chunk-size", chunkSize);
            overrides.put("purge.job.partitions", partitions);
            overrides.put("purge.job.workers", workers);
            overrides.put("purge.job.report-directory", "target/bench");
            if (broker != null) {
                overrides.put("purge.job.remote.broker-url", broker.url());
                overrides.put("purge.job.remote.queue", "account-purge.bench");
                // the manager sees its partitions end at its next poll: at the default 5 s, every step of a bench of a
                // few hundred accounts would last 5 s more or less at random
                overrides.put("purge.job.remote.poll-interval", "250ms");
            }
            Map<String, Object> noKeycloakOverrides = new LinkedHashMap<>(overrides);
            if (keycloakRate > 0) {
                overrides.put("purge.keycloak.max-calls-per-second", keycloakRate);
            }
            Path config = Path.of("jobs-config/reference-tenant.yml");
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("users", users);
            figures.put("chunkSize", chunkSize);
            figures.put("partitions", partitions);
            figures.put("workers", workers);
            figures.put("workerProcesses", broker != null);
            figures.put("keycloakCallsPerSecondLimit", keycloakRate);
            figures.put("cpus", Runtime.getRuntime().availableProcessors());
            org.accountpurge.store.search.SearchServer searchServer = org.accountpurge.store.search.SearchServer.detect(
                    stack.endpoints().elasticsearchUrl(), null, null, Duration.ofSeconds(5), Duration.ofSeconds(30));
            figures.put("searchServer", searchServer.engine().label() + " " + searchServer.version());
            System.out.println("Search server: " + searchServer);
            System.out.printf("Benchmark: %d users, %d orgs seeded in %.1f s; %d candidates for the job, %d for the job"
                    + " without Keycloak, %d for the warm-up job, chunk size %d, %d partition(s), %d worker(s)%n", users,
                    orgs, seeding.toMillis() / 1000.0, candidates.size(), noKeycloak.size(), warmUpJob.size(), chunkSize,
                    partitions, workers);
            int exit;
            double purgeRate;
            double wholeJobRate;
            double rawKeycloak;
            double rawElasticsearch;
            double rawPostgres;
            double storesCpuPerAccount; // the raw Elasticsearch and PostgreSQL calls', the whole machine's CPU
            double keycloakCpuPerDelete; // the plain client's, the whole machine's CPU
            double keycloakCpuPerLookup; // the plain client's looking up a deleted user, as the verification does
            double naive;
            double naiveNoKeycloak;
            try (ConfigurableApplicationContext ctx = TenantContext.open(config,
                    stackProperties(stack, secret), overrides, TenantContext.Access.WRITE);
                 BenchWorkers remoteWorkers = broker == null ? null : new BenchWorkers(workers, config, overrides,
                         stackProperties(stack, secret))) {
                ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow(); // before anything is timed
                int threads = ctx.getBean(org.accountpurge.config.PurgeProperties.class).keycloak().threads();
                int third = rawSample.size() / 3;
                // Keycloak deletes users slowly until its code is warm: --warm-up (300) active users' Keycloak users go
                // first, in rounds whose rates are printed (unmeasured; the job never sees them); then a plain client
                // deleting Keycloak users before and after the job (Keycloak's speed drifts as it warms up and as the
                // realm changes: the limit is the mean of both), and the purge's own client, all on accounts of their
                // own
                List<String> warmUp = withKeycloakNotRetained(manifest, manifest.userIds().get("active"));
                warmUp = warmUp.subList(0, Math.min(warmUp.size(), warmUpDeletes));
                StringBuilder rounds = new StringBuilder();
                for (int from = 0; from < warmUp.size(); from += WARM_UP_ROUND) {
                    rounds.append(String.format(" %.0f", rawKeycloakDeletes(stack, secret,
                            warmUp.subList(from, Math.min(warmUp.size(), from + WARM_UP_ROUND)), threads)));
                }
                System.out.printf("  warm-up: %d Keycloak deletes of active users, users/s per round of %d:%s%n",
                        warmUp.size(), WARM_UP_ROUND, rounds);
                purge(ctx, stack, warmUpCsv, "warm-up job (" + warmUpJob.size() + " candidates, not measured)");
                Map<String, Double> cpuBeforePlain = CpuUse.now(stack);
                double plainBefore = rawKeycloakDeletes(stack, secret, rawSample.subList(0, third), threads);
                CpuUse.Use plainUse = CpuUse.used(cpuBeforePlain, CpuUse.now(stack));
                System.out.printf("  CPU used by the plain client's Keycloak deletes before the job: %s; per user:"
                        + " %s%n", plainUse.parts(), plainUse.per(third));
                Map<String, Double> idleBefore = CpuUse.now(stack);
                Thread.sleep(10_000);
                System.out.printf("  CPU used by the idle stack in 10 s: %s%n", CpuUse.between(idleBefore,
                        CpuUse.now(stack)));
                JobRun job = purge(ctx, stack, csv, "job");
                purgeRate = job.purgeRate();
                wholeJobRate = job.jobRate();
                figures.put("purgeUsersPerSecond", round(purgeRate));
                figures.put("jobUsersPerSecond", round(job.jobRate()));
                figures.put("peakHeapMiB", job.peakHeapMiB());
                figures.put("purgeUsersCpuSeconds", cpuSeconds(job.purgeCpu()));
                cpuBeforePlain = CpuUse.now(stack);
                double plainAfter = rawKeycloakDeletes(stack, secret, rawSample.subList(third, 2 * third), threads);
                CpuUse.Use plainAfterUse = CpuUse.used(cpuBeforePlain, CpuUse.now(stack));
                rawKeycloak = (plainBefore + plainAfter) / 2;
                // the whole machine's CPU per Keycloak delete, before and after the job (the stack's share included)
                keycloakCpuPerDelete = (plainUse.total() + plainAfterUse.total()) / (2.0 * third);
                // the verification looks up every purged user once more: the same plain client, on the users it deleted
                List<String> deleted = rawSample.subList(0, 2 * third);
                Map<String, Double> cpuBeforeLookups = CpuUse.now(stack);
                double lookups = BenchLimits.rawKeycloakLookups(stack.endpoints().keycloakUrl(),
                        org.accountpurge.seed.ReferenceTenant.REALM, org.accountpurge.seed.ReferenceTenant.PURGE_CLIENT_ID,
                        secret, deleted, threads);
                CpuUse.Use lookupUse = CpuUse.used(cpuBeforeLookups, CpuUse.now(stack));
                keycloakCpuPerLookup = lookupUse.total() / deleted.size();
                figures.put("rawKeycloakLookupsPerSecond", round(lookups));
                figures.put("keycloakCpuMsPerLookup", round(1000 * keycloakCpuPerLookup));
                System.out.printf("  raw Keycloak GET user (plain client, %d threads, the %d users it deleted: 404 each):"
                        + " %.1f users/s; CPU: %s; per user: %s%n", threads, deleted.size(), lookups, lookupUse.parts(),
                        lookupUse.per(deleted.size()));
                org.accountpurge.purge.TenantStores tenantStores = ctx.getBean(org.accountpurge.purge.TenantStores.class);
                List<String> storeThird = rawSample.subList(2 * third, rawSample.size());
                double keycloakStore = BenchLimits.rawStore(tenantStores, "keycloak", storeThird, null);
                figures.put("rawKeycloakBeforeJobPerSecond", round(plainBefore));
                figures.put("rawKeycloakAfterJobPerSecond", round(plainAfter));
                figures.put("keycloakStoreOneCallPerSecond", round(keycloakStore));
                System.out.printf("  raw Keycloak DELETE user (plain client, %d threads, %d users each): %.1f users/s"
                        + " before the job, %.1f after; the limit: %.1f users/s%n", threads, third, plainBefore,
                        plainAfter, rawKeycloak);
                System.out.printf("  Keycloak through the purge's own client, %d users in one call: %.1f users/s%n",
                        storeThird.size(), keycloakStore);
                naive = BenchLimits.naive(tenantStores, naiveSample, true);
                naiveNoKeycloak = BenchLimits.naive(tenantStores, naiveNoKeycloakSample, false);
                // the same accounts' documents and rows (their Keycloak users are gone now), each store in one call
                var tm = ctx.getBean(org.springframework.transaction.PlatformTransactionManager.class);
                Map<String, Double> cpuBeforeStores = CpuUse.now(stack);
                rawElasticsearch = BenchLimits.rawStore(tenantStores, "elasticsearch", rawSample, tm);
                Map<String, Double> cpuBetweenStores = CpuUse.now(stack);
                rawPostgres = BenchLimits.rawStore(tenantStores, "postgres", rawSample, tm);
                CpuUse.Use elasticsearchUse = CpuUse.used(cpuBeforeStores, cpuBetweenStores);
                CpuUse.Use postgresUse = CpuUse.used(cpuBetweenStores, CpuUse.now(stack));
                System.out.printf("  raw %s, all %d accounts' documents in one call: %.1f accounts/s"
                        + " (CPU: %s); raw PostgreSQL, all their rows in one transaction: %.1f accounts/s (CPU: %s)%n",
                        searchServer.engine().label(), rawSample.size(), rawElasticsearch, elasticsearchUse.parts(), rawPostgres, postgresUse.parts());
                // both stores for every account: even overlapped perfectly, a job cannot beat the cores they need
                storesCpuPerAccount = Math.max(1e-6, (elasticsearchUse.total() + postgresUse.total())
                        / rawSample.size());
                System.out.printf("  naive, one account at a time, every store for it alone (%d accounts): %.1f"
                        + " accounts/s; database and Elasticsearch only (%d accounts): %.1f accounts/s%n",
                        naiveSample.size(), naive, naiveNoKeycloakSample.size(), naiveNoKeycloak);
                exit = RunPrinter.report(ctx, config, job.execution());
            }
            // the same tenant with its Keycloak section (and the rules that need Keycloak) left out
            Path noKeycloakConfig = withoutKeycloak(config, Path.of("target/bench/reference-tenant-no-keycloak.yml"));
            double databaseAndElasticsearch;
            double databaseAndElasticsearchWholeJob;
            try (ConfigurableApplicationContext ctx = TenantContext.open(noKeycloakConfig,
                    stackProperties(stack, secret), noKeycloakOverrides, TenantContext.Access.WRITE);
                 BenchWorkers remoteWorkers = broker == null ? null : new BenchWorkers(workers, noKeycloakConfig,
                         noKeycloakOverrides, stackProperties(stack, secret))) {
                ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow(); // before anything is timed
                JobRun job = purge(ctx, stack, noKeycloakCsv, "job without Keycloak");
                databaseAndElasticsearch = job.purgeRate();
                databaseAndElasticsearchWholeJob = job.jobRate();
                figures.put("noKeycloakJobUsersPerSecond", round(job.jobRate()));
                figures.put("noKeycloakPurgeUsersCpuSeconds", cpuSeconds(job.purgeCpu()));
                exit = Math.max(exit, RunPrinter.report(ctx, noKeycloakConfig, job.execution()));
            }
            double slowerRaw = Math.min(rawElasticsearch, rawPostgres);
            figures.put("rawKeycloakDeletesPerSecond", round(rawKeycloak));
            figures.put("rawKeycloakSample", rawSample.size());
            figures.put("rawElasticsearchAccountsPerSecond", round(rawElasticsearch));
            figures.put("rawPostgresAccountsPerSecond", round(rawPostgres));
            figures.put("naiveAccountsPerSecond", round(naive));
            figures.put("naiveSample", naiveSample.size());
            figures.put("naiveNoKeycloakAccountsPerSecond", round(naiveNoKeycloak));
            figures.put("ratioNoKeycloakJobToNaiveNoKeycloak", round(databaseAndElasticsearch / naiveNoKeycloak));
            figures.put("noKeycloakPurgeUsersPerSecond", round(databaseAndElasticsearch));
            figures.put("ratioJobToRawKeycloakDelete", round(purgeRate / rawKeycloak));
            figures.put("ratioWholeJobToRawKeycloakDelete", round(wholeJobRate / rawKeycloak));
            figures.put("ratioNoKeycloakWholeJobToSlowerRawStore", round(databaseAndElasticsearchWholeJob / slowerRaw));
            figures.put("ratioJobToNaive", round(purgeRate / naive));
            figures.put("ratioNoKeycloakJobToSlowerRawStore", round(databaseAndElasticsearch / slowerRaw));
            int cores = Runtime.getRuntime().availableProcessors();
            double storesCpuBound = cores / storesCpuPerAccount;
            double keycloakCpuBound = cores / (keycloakCpuPerDelete + storesCpuPerAccount);
            figures.put("rawStoresCpuMsPerAccount", round(1000 * storesCpuPerAccount));
            figures.put("keycloakCpuMsPerDelete", round(1000 * keycloakCpuPerDelete));
            figures.put("ratioCpuBoundToRawKeycloakDelete", round(keycloakCpuBound / rawKeycloak));
            figures.put("ratioCpuBoundWithoutKeycloakToSlowerRawStore", round(storesCpuBound / slowerRaw));
            // end to end, the verification's lookup of every purged user comes on top (its other checks and the
            // other steps left out: the true bound is lower still)
            double wholeJobCpuBound = cores / (keycloakCpuPerDelete + keycloakCpuPerLookup + storesCpuPerAccount);
            figures.put("ratioCpuBoundWholeJobToRawKeycloakDelete", round(wholeJobCpuBound / rawKeycloak));
            // the cores' bound: every account costs the CPU its Keycloak delete and its stores' raw calls cost alone,
            // all of it perfectly overlapped
            System.out.printf("  ratio job/raw-keycloak-delete: %.2f (the cores allow at most %.2f: %.1f ms of CPU per"
                    + " Keycloak delete and %.1f ms per account for the other stores' raw calls, on %d cores)%n",
                    purgeRate / rawKeycloak, keycloakCpuBound / rawKeycloak, 1000 * keycloakCpuPerDelete,
                    1000 * storesCpuPerAccount, cores);
            System.out.printf("  ratio job-end-to-end/raw-keycloak-delete: %.2f (every step, from loading the CSV to the"
                    + " summary, verification included; the cores allow at most %.2f: %.1f ms of CPU more per purged"
                    + " user for its Keycloak lookup)%n", wholeJobRate / rawKeycloak, wholeJobCpuBound / rawKeycloak,
                    1000 * keycloakCpuPerLookup);
            if (keycloakRate > 0) { // one Keycloak call per purged account
                figures.put("ratioJobToKeycloakRateLimit", round(purgeRate / keycloakRate));
                System.out.printf("  ratio job/keycloak-rate-limit (%d calls/s): %.2f (the naive way and the purge's"
                        + " own Keycloak client ran under the same limit; the plain client did not)%n", keycloakRate,
                        purgeRate / keycloakRate);
            }
            System.out.printf("  ratio job/naive: %.1f%n", purgeRate / naive);
            System.out.printf("  ratio job-without-keycloak/naive-without-keycloak: %.1f%n",
                    databaseAndElasticsearch / naiveNoKeycloak);
            System.out.printf("  ratio job-without-keycloak/slower-raw-store (%s): %.2f (the cores allow at most"
                    + " %.2f)%n",
                    rawElasticsearch < rawPostgres ? "elasticsearch" : "postgres", databaseAndElasticsearch / slowerRaw,
                    storesCpuBound / slowerRaw);
            System.out.printf("  ratio job-without-keycloak-end-to-end/slower-raw-store: %.2f%n",
                    databaseAndElasticsearchWholeJob / slowerRaw);
            Path json = Path.of("target/bench", "bench-" + java.time.Instant.now().toString()
                    .replaceAll("[^0-9TZ]", "") + ".json");
            org.accountpurge.dev.SeedCommand.writeJson(json, figures);
            System.out.println("  figures: " + json.toAbsolutePath());
            return exit;
        }
    }

    /** Of {@code ids}, the users with a Keycloak user and nothing that retains them, in the same order. */
    private static List<String> withKeycloakNotRetained(SeedManifest manifest, List<String> ids) {
        List<String> kept = new ArrayList<>(ids);
        kept.removeAll(manifest.userIds().get("noKeycloak"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff", "groupOwners")) {
            kept.removeAll(manifest.userIds().get(kind));
        }
        return kept;
    }

    /** Users a second a plain client deletes from the reference realm at {@code threads}. */
    private static double rawKeycloakDeletes(LocalStack stack, String secret, List<String> ids, int threads)
            throws Exception {
        return BenchLimits.rawKeycloakDeletes(stack.endpoints().keycloakUrl(), org.accountpurge.seed.ReferenceTenant.REALM,
                org.accountpurge.seed.ReferenceTenant.PURGE_CLIENT_ID, secret, ids, threads);
    }

    /** @param purgeCpu CPU seconds each server and the purge JVM used during the purge step (null: not measured) */
    private record JobRun(JobExecution execution, double purgeRate, double jobRate, long peakHeapMiB,
                          CpuUse.Use purgeCpu) {
    }

    /** Runs the job on {@code csv} and prints wall time per step (and per store inside the purge step). */
    private static JobRun purge(ConfigurableApplicationContext ctx, LocalStack stack, Path csv, String label)
            throws Exception {
        System.gc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        Map<String, Double> cpuBefore = CpuUse.now(stack);
        long start = System.nanoTime();
        JobExecution execution;
        StepExecution purgeStep;
        CpuUse.Use purgeCpu; // the purge step alone: the job's figure mixes its steps
        CpuUse.Use verifyCpu;
        try (CpuUse.Sampler sampler = new CpuUse.Sampler(stack)) {
            execution = launch(ctx, csv);
            purgeStep = step(execution, "purgeUsers");
            purgeCpu = sampler.during(purgeStep);
            verifyCpu = sampler.during(step(execution, "verifyPurge"));
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        String cpu = CpuUse.between(cpuBefore, CpuUse.now(stack));
        long peak = heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long max = Runtime.getRuntime().maxMemory();
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        long run = execution.getJobInstance().getInstanceId();
        long purged = count(jdbc, "SELECT count(*) FROM purge.candidate WHERE run_id = ? AND state = 'PURGED'", run);
        long rows = count(jdbc, "SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = ?"
                + " AND store = 'postgres' AND action IN ('DELETED', 'NULLED')", run);
        long docs = count(jdbc, "SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = ?"
                + " AND store = 'elasticsearch' AND action = 'DELETED'", run);
        System.out.println("  " + label + ":");
        for (StepExecution step : execution.getStepExecutions()) {
            Duration d = Duration.between(step.getStartTime(), step.getEndTime());
            StringBuilder stores = new StringBuilder();
            for (String store : List.of("setup", "retention", "keycloak", "elasticsearch", "postgres", "steplog", "marks")) {
                if (step.getExecutionContext().containsKey("ms." + store)) {
                    stores.append(String.format("  %s %.1f s", store,
                            step.getExecutionContext().getLong("ms." + store) / 1000.0));
                }
            }
            System.out.printf("    step %-22s %8.1f s  read %6d  written %6d%s%n", step.getStepName(),
                    d.toMillis() / 1000.0, step.getReadCount(), step.getWriteCount(), stores);
        }
        double seconds = Math.max(wall.toMillis(), 1) / 1000.0;
        System.out.printf("    %s %s in %.1f s: %d users purged (%.0f users/s); %d database rows deleted or nulled, %d"
                + " documents deleted%n", label, execution.getStatus(), seconds, purged, purged / seconds, rows, docs);
        System.out.printf("    heap: peak used %d MiB of %d MiB max (sum of heap pools' peaks)%n", peak >> 20, max >> 20);
        System.out.printf("    CPU used meanwhile (%d cores: %.0f s available): %s%n", Runtime.getRuntime()
                .availableProcessors(), seconds * Runtime.getRuntime().availableProcessors(), cpu);
        if (purgeCpu != null) {
            System.out.printf("    CPU used during purgeUsers (%s); per account: %s%n", purgeCpu.describe(),
                    purgeCpu.per(purgeStep.getWriteCount()));
        }
        if (verifyCpu != null) {
            System.out.printf("    CPU used during verifyPurge (%s)%n", verifyCpu.describe());
        }
        double purgeRate = purgeStep.getWriteCount() / Math.max(1e-3, seconds(purgeStep));
        System.out.printf("    purgeUsers: %.1f users/s%n", purgeRate);
        return new JobRun(execution, purgeRate, purged / seconds, peak >> 20, purgeCpu);
    }

    private static Path writeCsv(Path csv, List<String> ids) throws java.io.IOException {
        Files.createDirectories(csv.getParent());
        StringBuilder text = new StringBuilder("account_id,kind\n");
        ids.forEach(id -> text.append(id).append(",user\n"));
        Files.writeString(csv, text);
        return csv;
    }

    /**
     * The job configuration without its {@code purge.keycloak} section and without the retention rules that ask
     * Keycloak (a tenant whose identity provider is not Keycloak).
     */
    @SuppressWarnings("unchecked")
    static Path withoutKeycloak(Path config, Path out) throws java.io.IOException {
        org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml();
        Map<String, Object> root;
        try (var in = Files.newBufferedReader(config)) {
            root = yaml.load(in);
        }
        Map<String, Object> purge = (Map<String, Object>) root.get("purge");
        purge.remove("keycloak");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) purge.get("retention");
        if (rules != null) {
            rules.removeIf(rule -> rule.containsKey("keycloak-role") || rule.containsKey("keycloak-group"));
        }
        Files.createDirectories(out.getParent());
        Files.writeString(out, "# derived by bench from " + config + ": no Keycloak\n" + yaml.dump(root));
        return out;
    }

    /**
     * {@code bench --csv-lines N}: how fast a CSV of N lines (random ids) is loaded — the loadCandidates step alone
     * (the blast-radius guard, set to one account, stops the run right after it) — and the heap's peak meanwhile.
     */
    static int csvLoad(long lines, long seed, String sortMemory) throws Exception {
        try (LocalStack stack = LocalStack.start(Path.of("target/stack"))) {
            String secret = DevMain.randomSecret();
            SeedCommand.seed(stack, 200, 10, seed, secret, null);
            Path csv = Path.of("target/bench/load.csv");
            Files.createDirectories(csv.getParent());
            long t0 = System.nanoTime();
            java.util.Random random = new java.util.Random(seed);
            try (var out = Files.newBufferedWriter(csv)) {
                out.write("account_id,kind\n");
                for (long i = 0; i < lines; i++) {
                    out.write(new java.util.UUID(random.nextLong(), random.nextLong()).toString());
                    out.write(",user\n");
                }
            }
            System.out.printf("CSV of %d lines (%d MiB) written in %.1f s%n", lines, Files.size(csv) >> 20,
                    (System.nanoTime() - t0) / 1e9);
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("purge.job.report-directory", "target/bench");
            overrides.put("purge.guard.max-accounts", 1);
            overrides.put("purge.job.load-sort-memory", sortMemory);
            try (ConfigurableApplicationContext ctx = TenantContext.open(Path.of("jobs-config/reference-tenant.yml"),
                    stackProperties(stack, secret), overrides, TenantContext.Access.WRITE)) {
                ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow(); // before anything is timed
                System.gc();
                heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
                JobExecution execution;
                StepExecution load;
                StepExecution freeze;
                try (CpuUse.Sampler sampler = new CpuUse.Sampler(stack)) {
                    execution = launch(ctx, csv);
                    load = step(execution, "loadCandidates");
                    freeze = step(execution, "freezeCandidates");
                    for (StepExecution step : List.of(load, freeze)) {
                        CpuUse.Use use = sampler.during(step);
                        if (use != null) {
                            System.out.printf("  CPU used during %s (%s)%n", step.getStepName(), use.describe());
                        }
                    }
                }
                long peak = heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                double loading = seconds(load);
                double freezing = seconds(freeze);
                double seconds = loading + freezing;
                System.out.printf("  loadCandidates: %d lines read in %.1f s; freezeCandidates (sort memory " + sortMemory
                        + "): %d candidates in %.1f s;"
                        + " together %.0f lines/s; heap peak %d MiB of %d MiB max (the run then stops at the guard, as"
                        + " intended)%n", load.getReadCount(), loading, freeze.getWriteCount(), freezing,
                        load.getReadCount() / Math.max(seconds, 1e-3), peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("csvLines", lines);
                figures.put("loadSortMemory", sortMemory);
                figures.put("loadSeconds", round(loading));
                figures.put("freezeSeconds", round(freezing));
                figures.put("linesPerSecond", round(load.getReadCount() / Math.max(seconds, 1e-3)));
                figures.put("peakHeapMiB", peak >> 20);
                figures.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
                org.accountpurge.dev.SeedCommand.writeJson(Path.of("target/bench", "csv-load-" + java.time.Instant.now()
                        .toString().replaceAll("[^0-9TZ]", "") + ".json"), figures);
                return 0;
            }
        }
    }

    /**
     * Runs the job on {@code csv}; the execution as the job repository has it, since with workers in other processes
     * the partitions' times and contexts are theirs, not in the manager's copy.
     */
    private static JobExecution launch(ConfigurableApplicationContext ctx, Path csv) throws Exception {
        return ctx.getBean(org.springframework.batch.core.repository.JobRepository.class)
                .getJobExecution(JobRuns.launch(ctx, csv, CsvCandidateReader.sha256(csv), false).getId());
    }

    private static StepExecution step(JobExecution execution, String name) {
        return execution.getStepExecutions().stream().filter(step -> step.getStepName().equals(name)).findFirst()
                .orElseThrow();
    }

    private static double seconds(StepExecution step) {
        return Duration.between(step.getStartTime(), step.getEndTime()).toMillis() / 1000.0;
    }

    /** CPU seconds per server (and its JIT compilers), rounded; null when not measured. */
    private static Map<String, Double> cpuSeconds(CpuUse.Use use) {
        if (use == null) {
            return null;
        }
        Map<String, Double> rounded = new LinkedHashMap<>();
        use.used().forEach((name, s) -> rounded.put(name, round(s)));
        return rounded;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static long count(JdbcTemplate jdbc, String sql, long run) {
        Long n = jdbc.queryForObject(sql, Long.class, run);
        return n == null ? 0 : n;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}
