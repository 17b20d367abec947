package org.accountpurge.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.accountpurge.PurgeApplication;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.store.AccountStore;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.seed.TenantGenerator;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.search.SearchServer;
import org.accountpurge.support.FlakyHttpProxy;
import org.accountpurge.support.StoreSnapshot;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The purge job end to end on the real stack (PostgreSQL, a search server, Keycloak), with the reference tenant's
 * job configuration. Each test seeds the tenant afresh; the search server is reached through a proxy that a test can
 * make stop answering. The same tests run against each search engine: {@link PurgeJobFunctionalTest} (Elasticsearch)
 * and {@link OpenSearchPurgeJobFunctionalTest} say which, in their {@code @DynamicPropertySource}.
 */
@SpringBootTest(classes = PurgeApplication.class,
        args = "--spring.config.additional-location=file:jobs-config/reference-tenant.yml",
        properties = "purge.job.chunk-size=10")
@ExtendWith(OutputCaptureExtension.class)
abstract class PurgeJobFunctionalTests {

    static final int USERS = 300;
    static final int ORGS = 20;
    static final int CRASH_USERS = 1000;
    static final long SEED = 11;
    static final String SECRET = "test-" + Long.toHexString(System.nanoTime());
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Map<String, List<String>> SET_NULL_COLUMNS = Map.of("users", List.of("managed_by"),
            "user_skills", List.of("endorsed_by"), "user_notes", List.of("created_by", "updated_by"),
            "user_education", List.of("address_id"), "groups", List.of("created_by"));

    static final List<String> RETAINED_KINDS = List.of("contentCreators", "batchCreators", "mentors", "orgAdmins",
            "platformAdmins", "supportStaff", "groupOwners");

    /** The search server behind the proxy (Elasticsearch or OpenSearch), set by the concrete class. */
    static SearchServer.Engine engine;
    static FlakyHttpProxy elasticsearch;

    /** The stack with {@code search} as the search server, reached through {@link #elasticsearch}, the proxy. */
    static void stack(DynamicPropertyRegistry registry, SearchServer.Engine search) throws Exception {
        engine = search;
        StackEndpoints stack = endpoints();
        elasticsearch = new FlakyHttpProxy(stack.elasticsearchUrl());
        stack.asPurgeProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("PURGE_ES_URL", elasticsearch::url);
        registry.add("PURGE_KC_CLIENT_SECRET", () -> SECRET);
        // credentials for the search server too (the local one, security off, does not ask for them): sent with
        // every request, never printed (the purge test looks for the secret in the output and the summary)
        registry.add("PURGE_ES_USER", () -> "purge");
        registry.add("PURGE_ES_PASSWORD", () -> SECRET);
        registry.add("purge.job.report-directory", () -> "target/purge-reports-test");
    }

    /** The stack's endpoints with this class's search server. */
    static StackEndpoints endpoints() {
        return TestStack.endpoints(engine);
    }

    /**
     * Skips a test whose outcome the search engine plays no part in, or only the part the tests run against both
     * engines prove already (the killed run, the failing store, the purge, the dry run, the orphans): it runs against
     * Elasticsearch. The six-moment crash proof is one: five of its moments are the database's and Keycloak's, and the
     * search server's own (it hangs, the process is killed) is {@code aKilledRunIsRecoveredAndRestartedToTheSameEndState}.
     */
    static void onceIsEnough() {
        org.junit.jupiter.api.Assumptions.assumeTrue(engine == SearchServer.Engine.ELASTICSEARCH,
                "this proof does not depend on the search engine: it runs against Elasticsearch only");
    }

    @AfterAll
    static void closeProxy() {
        elasticsearch.close();
    }

    @Autowired
    JobOperator jobOperator;
    @Autowired
    Job accountPurgeJob;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRepository jobRepository;
    @Autowired
    TenantStores stores;
    @TempDir
    Path dir;

    SeedManifest manifest;
    int seeded;
    ReferenceTenant tenant;

    @BeforeEach
    void seed() {
        seed(USERS);
    }

    /** Seeds the tenant afresh with {@code users} users; {@link #uninterruptedEndState} seeds the same size again. */
    void seed(int users) {
        elasticsearch.heal();
        seeded = users;
        manifest = SeedCommand.seed(TestStack.stack(), engine, users, ORGS, SEED, SECRET, null);
        tenant = TenantGenerator.generate(users, ORGS, SEED);
    }

    @Test
    void purgesEveryTraceOfTheListedAccountsAndNothingElse(CapturedOutput output) throws Exception {
        // given the legacy state's cleanup CSV and the stores as they are
        Path csv = cleanupCsv();
        StoreSnapshot before = StoreSnapshot.take(endpoints());

        // when the job runs
        JobExecution execution = run(csv);

        // then it completes against the search server that answers (detected); users who must stay are retained, every
        // other listed user is purged
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(stores.elasticsearch().orElseThrow().server()).hasToString(engine.label() + " "
                + org.accountpurge.stack.SearchServerProcess.defaultVersion(engine) + " (detected from "
                + (engine == SearchServer.Engine.OPENSEARCH ? "GET /)" : "its X-Elastic-Product header)"));
        long run = execution.getJobInstance().getInstanceId();
        Set<String> listedUsers = new HashSet<>(manifest.userIds().get("legacyStateCandidates"));
        Set<String> mustStay = new HashSet<>();
        for (String kind : RETAINED_KINDS) {
            mustStay.addAll(manifest.userIds().get(kind));
        }
        for (Object[] member : tenant.tables().get("group_member").rows()) {
            if (!"member".equals(member[2])) {
                mustStay.add(member[1].toString()); // group owners and admins
            }
        }
        mustStay.retainAll(listedUsers);
        assertThat(mustStay).isNotEmpty();
        assertThat(ids(run, "user", "RETAINED")).isEqualTo(mustStay);
        Set<String> purgedUsers = ids(run, "user", "PURGED");
        assertThat(purgedUsers).hasSize(listedUsers.size() - mustStay.size());
        Set<String> purged = new HashSet<>(purgedUsers);
        purged.addAll(ids(run, "org", "PURGED"));
        assertThat(ids(run, "org", "PURGED")).isNotEmpty();
        assertThat(ids(run, "org", "RETAINED")).isNotEmpty();

        // and no row, document or realm user anywhere still mentions a purged account
        StoreSnapshot after = StoreSnapshot.take(endpoints());
        after.rows().forEach((table, rows) -> rows.forEach(row ->
                assertThat(mentioned(row)).as(table + " row").doesNotContainAnyElementsOf(purged)));
        after.docs().forEach((index, docs) -> docs.forEach((id, source) -> {
            assertThat(id).as(index + " document id").isNotIn(purged);
            assertThat(mentioned(source)).as(index + " document").doesNotContainAnyElementsOf(purged);
        }));
        assertThat(after.users().keySet()).doesNotContainAnyElementsOf(purged);

        // and each store's own verification finds nothing left of the purged users (and would find what stays)
        List<String> purgedList = List.copyOf(purgedUsers);
        List<String> stayList = List.copyOf(mustStay);
        for (AccountStore store : stores.forKind(AccountKind.USER, stores.postgres(AccountKind.USER))) {
            assertThat(store.verify(purgedList).residue()).as(store.name()).isEmpty();
            assertThat(store.verify(stayList).residue()).as(store.name()).isNotEmpty();
        }

        // and everything else is unchanged: realm users and documents identical, rows identical or only nulled
        Map<String, String> keptUsers = new HashMap<>(before.users());
        keptUsers.keySet().removeAll(purged);
        assertThat(after.users()).isEqualTo(keptUsers);
        before.docs().forEach((index, docs) -> docs.forEach((id, source) -> {
            if (!purged.contains(id) && !containsAny(source, purged)) {
                assertThat(after.docs().get(index)).as(index).containsEntry(id, source);
            }
        }));
        assertRowsOnlyDeletedOrNulled(before, after, purged);

        // and set-null rows are kept with the column nulled (notes of others, edited by a purged user)
        long nulledNotes = jdbc.queryForObject("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = ?"
                + " AND target = 'user_notes.updated_by' AND action = 'NULLED'", Long.class, run);
        assertThat(nulledNotes).isPositive();
        List<String> keptButNulled = new ArrayList<>(after.rows().get("user_notes"));
        keptButNulled.removeAll(before.rows().get("user_notes"));
        assertThat(keptButNulled).isNotEmpty().allMatch(row -> row.contains("\"updated_by\":null"));

        // and the step log says, for every purged user, what each store did
        for (String id : purgedUsers) {
            assertThat(log(run, id, "postgres", "users")).containsExactly("DELETED 1");
            assertThat(log(run, id, "keycloak", ReferenceTenant.REALM)).isEqualTo(
                    before.users().containsKey(id) ? List.of("DELETED 1") : List.of("ABSENT 0")); // one call, no lock-out
            assertThat(log(run, id, "elasticsearch", "user")).containsExactly(
                    before.docs().get("user").containsKey(id) ? "DELETED 1" : "ABSENT 0");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.step_log WHERE run_id = ? AND action = 'FAILED'",
                Long.class, run)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.step_log l JOIN purge.candidate c ON c.run_id ="
                + " l.run_id AND c.kind = l.kind AND c.account_id = l.account_id WHERE l.run_id = ? AND c.state ="
                + " 'RETAINED'", Long.class, run)).as("step log rows of retained accounts").isZero();

        // and no name, email or phone of a purged user reached the log output or the run's JSON summary, and no
        // credential appears in either
        String summary = Files.readString(Path.of(execution.getExecutionContext().getString("summary.file")));
        for (String text : List.of(output.getAll(), summary)) {
            for (Object[] user : tenant.tables().get("users").rows()) {
                if (purgedUsers.contains(user[0].toString())) {
                    for (int column : new int[] {1, 4, 5}) { // username, email, phone
                        if (user[column] != null) {
                            assertThat(text).doesNotContain(user[column].toString());
                        }
                    }
                    assertThat(text).doesNotContain(user[2] + " " + user[3]);
                }
            }
            assertThat(text).doesNotContain(SECRET).doesNotContain(endpoints().keycloakAdminPassword());
        }
    }

    @Test
    void aStoreThatStopsAnsweringFailsTheRunAndARestartFinishesExactlyTheRest() throws Exception {
        // given the end state of an uninterrupted run, and the tenant seeded afresh
        Path csv = cleanupCsv();
        StoreSnapshot uninterrupted = uninterruptedEndState(csv);

        // when Elasticsearch stops answering as soon as it is asked to remove an account of the second chunk (its
        // search for shared documents before anything of the chunk is removed answered)
        Set<String> secondChunk = chunkOfLastRun(2);
        elasticsearch.failWhenMentioned(secondChunk, 1);
        JobExecution failed = run(csv);

        // then the run fails in purgeUsers after one committed chunk
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        long run = failed.getJobInstance().getInstanceId();
        StepExecution purgeUsers = step(failed, "purgeUsers");
        assertThat(purgeUsers.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(purgeUsers.getCommitCount()).isEqualTo(1);
        assertThat(ids(run, "user", "PURGED")).hasSize(10).doesNotContainAnyElementsOf(secondChunk);
        Set<String> refused = jdbc.queryForList("SELECT DISTINCT account_id FROM purge.step_log WHERE run_id = ?"
                + " AND store = 'elasticsearch' AND action = 'FAILED'", String.class, run).stream().collect(Collectors.toSet());
        assertThat(refused).isNotEmpty().isSubsetOf(secondChunk);
        // and the step log tells the truth about the second chunk: Keycloak users deleted (they can no longer log
        // in; the documents of those Keycloak had deleted were asked for meanwhile, and refused), no document and
        // nothing of the database deleted (rolled back)
        for (String id : secondChunk) {
            assertThat(log(run, id, "keycloak", ReferenceTenant.REALM)).singleElement().asString().matches("DELETED 1|ABSENT 0");
            assertThat(log(run, id, "elasticsearch", "user")).isEmpty();
            assertThat(log(run, id, "elasticsearch", "userprofilevisibility")).isEmpty();
            assertThat(log(run, id, "elasticsearch", "*")).contains("STARTED 0");
            assertThat(log(run, id, "postgres", "users")).isEmpty();
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM users WHERE id = ANY(?::uuid[])", Long.class,
                (Object) secondChunk.toArray(String[]::new))).isEqualTo(10);

        // when Elasticsearch is back and the execution is restarted
        elasticsearch.heal();
        JobExecution restarted = jobOperator.restart(failed);

        // then the run completes, each remaining account purged once, and the stores end as after an uninterrupted run
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstance().getInstanceId()).isEqualTo(run);
        assertThat(step(restarted, "loadCandidates")).isNull();
        assertThat(ids(run, "user", "PENDING")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.step_log WHERE run_id = ? AND target = 'users'"
                + " AND action = 'DELETED'", Long.class, run)).isEqualTo(ids(run, "user", "PURGED").size());
        assertThat(StoreSnapshot.take(endpoints())).isEqualTo(uninterrupted);
    }

    @Test
    void aKilledRunIsRecoveredAndRestartedToTheSameEndState() throws Exception {
        // given the end state of an uninterrupted run, and the tenant seeded afresh
        Path csv = cleanupCsv();
        StoreSnapshot uninterrupted = uninterruptedEndState(csv);

        // when the purge runs in its own process, Elasticsearch hangs in the second chunk and the process is killed
        Set<String> second = chunkOfLastRun(2);
        elasticsearch.hangWhenMentioned(second, 1); // the search for shared documents answered, the removal hangs
        Process purge = purgeProcess(csv);
        assertThat(elasticsearch.awaitHanging(Duration.ofMinutes(3))).as("the purge reached the second chunk").isTrue();
        purge.destroyForcibly().waitFor(60, TimeUnit.SECONDS);

        // then its execution is still marked running, and the step log shows the second chunk started, not finished
        long executionId = jdbc.queryForObject("SELECT max(job_execution_id) FROM purge.batch_job_execution", Long.class);
        JobExecution stale = jobRepository.getJobExecution(executionId);
        assertThat(stale.getStatus()).isEqualTo(BatchStatus.STARTED);
        long run = stale.getJobInstance().getInstanceId();
        Set<String> purged = ids(run, "user", "PURGED");
        assertThat(purged).hasSize(10);
        Set<String> secondChunk = new HashSet<>(jdbc.queryForList("SELECT DISTINCT account_id FROM purge.step_log"
                + " WHERE run_id = ? AND store = 'elasticsearch' AND action = 'STARTED'", String.class, run));
        secondChunk.removeAll(purged);
        assertThat(secondChunk).isEqualTo(second).allSatisfy(id -> {
            assertThat(log(run, id, "elasticsearch", "*")).containsExactly("STARTED 0");
            assertThat(log(run, id, "elasticsearch", "userprofilevisibility")).isEmpty();
            assertThat(log(run, id, "postgres", "users")).isEmpty();
        });
        assertThat(ids(run, "user", "PENDING")).containsAll(secondChunk);

        // when Elasticsearch is back and the execution is recovered and restarted
        elasticsearch.heal();
        JobExecution restarted = jobOperator.restart(jobOperator.recover(stale));

        // then the run completes with the same end state as an uninterrupted run
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ids(run, "user", "PENDING")).isEmpty();
        assertThat(StoreSnapshot.take(endpoints())).isEqualTo(uninterrupted);
    }

    /**
     * Crash anywhere: the purge, in its own process, is killed (SIGKILL) at six different moments — while retention
     * is recorded; inside a chunk while Elasticsearch hangs (its Keycloak users deleted, its rows not committed); after a chunk committed; just after
     * Keycloak deleted a chunk's users (around that chunk's commit); after two more chunks; as the orgs' steps
     * begin — and after each kill it is restarted
     * ({@code restart --after-crash}) until it completes. The stores end as after an uninterrupted run, and the step
     * log's last word on every purged account and target is an outcome, never "started" or "failed".
     */
    @Test
    @Tag("proof")
    void killedAtSixMomentsAndRestartedEachTimeTheRunEndsAsIfUninterrupted() throws Exception {
        onceIsEnough();
        // given a tenant of 1 000 users, a list of every one of them, the end state of an uninterrupted run, and the
        // tenant seeded afresh
        seed(CRASH_USERS);
        Path csv = everyUserCsv();
        StoreSnapshot uninterrupted = uninterruptedEndState(csv);
        // each moment is reached by the execution the process being killed created ("NEW")
        String latest = "(SELECT max(job_execution_id) FROM purge.batch_job_execution WHERE job_execution_id > NEW)";
        List<String> moments = List.of(
                "SELECT count(*) > 0 FROM purge.retention r JOIN purge.batch_job_execution e ON e.job_instance_id ="
                        + " r.run_id WHERE e.job_execution_id = " + latest,
                "elasticsearch hangs",
                "SELECT count(*) >= 10 FROM purge.step_log WHERE job_execution_id = " + latest + " AND store ="
                        + " 'postgres' AND target = 'users' AND action = 'DELETED'",
                "SELECT count(*) >= 5 FROM purge.step_log WHERE job_execution_id = " + latest + " AND store ="
                        + " 'keycloak' AND action = 'DELETED'",
                "SELECT count(*) >= 20 FROM purge.step_log WHERE job_execution_id = " + latest + " AND store ="
                        + " 'postgres' AND target = 'users' AND action = 'DELETED'",
                "SELECT count(*) > 0 FROM purge.batch_step_execution WHERE step_name IN ('retainOrgs', 'purgeOrgs')"
                        + " AND job_execution_id = " + latest);

        // when the purge is killed at each moment, and restarted after each kill
        Long execution = null;
        int kills = 0;
        boolean completed = false;
        for (String moment : moments) {
            if (moment.equals("elasticsearch hangs")) {
                elasticsearch.hangAfterBulkRequests(6);
            }
            long before = jdbc.queryForObject("SELECT max(job_execution_id) FROM purge.batch_job_execution", Long.class);
            Process purge = execution == null ? purgeProcess(csv) : restartProcess(execution);
            boolean reached = moment.equals("elasticsearch hangs") ? elasticsearch.awaitHanging(Duration.ofMinutes(3))
                    : awaitTrue(moment.replace("NEW", String.valueOf(before)), purge);
            purge.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            elasticsearch.heal();
            assertThat(reached).as("the purge reached: " + moment + "\n" + Files.readString(Path.of(
                    "target/killed-purge.log"))).isTrue();
            execution = jdbc.queryForObject(latest.substring(1, latest.length() - 1)
                    .replace("NEW", String.valueOf(before)), Long.class);
            assertThat(execution).as("an execution of the run exists").isNotNull();
            if (jobRepository.getJobExecution(execution).getStatus() == BatchStatus.COMPLETED) {
                completed = true; // the last moment came too late: the run had ended
                break;
            }
            kills++;
        }
        assertThat(kills).as("kills that hit a running purge").isGreaterThanOrEqualTo(5);
        if (!completed) {
            Process last = restartProcess(execution);
            assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(last.exitValue()).as(Files.readString(Path.of("target/killed-purge.log"))).isZero();
        }

        // then the run completed, and the stores equal those of the uninterrupted run
        long run = jdbc.queryForObject("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id"
                + " = (SELECT max(job_execution_id) FROM purge.batch_job_execution)", Long.class);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.batch_job_execution WHERE job_instance_id = ?",
                Long.class, run)).isGreaterThanOrEqualTo(kills + 1L);
        assertThat(ids(run, "user", "PENDING")).isEmpty();
        assertThat(StoreSnapshot.take(endpoints())).isEqualTo(uninterrupted);
        // and for every purged account and target the step log's last word is an outcome
        assertThat(jdbc.queryForList("SELECT DISTINCT ON (l.account_id, l.store, l.target) l.account_id || ' ' ||"
                + " l.store || ' ' || l.target || ' ' || l.action FROM purge.step_log l JOIN purge.candidate c ON"
                + " c.run_id = l.run_id AND c.kind = l.kind AND c.account_id = l.account_id WHERE l.run_id = ? AND"
                + " c.state = 'PURGED' AND l.target <> '*' ORDER BY l.account_id, l.store, l.target, l.id DESC",
                String.class, run)).isNotEmpty().noneMatch(l -> l.endsWith(" STARTED") || l.endsWith(" FAILED"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.step_log WHERE run_id = ? AND store = 'postgres'"
                + " AND target = 'users' AND action = 'DELETED'", Long.class, run)).isEqualTo(ids(run, "user",
                "PURGED").size());
        assertThat(ids(run, "user", "PURGED")).as("a purge of most of the tenant").hasSizeGreaterThan(700);
    }

    /** Polls {@code sql} (one boolean) until it is true, or the process ends, or three minutes pass. */
    boolean awaitTrue(String sql, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (Boolean.TRUE.equals(jdbc.queryForObject(sql, Boolean.class))) {
                    return true;
                }
            } catch (org.springframework.dao.DataAccessException notYet) {
                // the purge schema may not be there yet
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void orphanDocumentsAreFoundAndRemovedAndNothingElseIs(@Autowired PurgeProperties config,
                                                             @Autowired org.accountpurge.audit.StepLog stepLog)
            throws Exception {
        // given documents of accounts the database does not have: a user document by id, a note by its userId field
        String gone = java.util.UUID.randomUUID().toString();
        String goneToo = java.util.UUID.randomUUID().toString();
        try (org.accountpurge.seed.SeedIndexes search = new org.accountpurge.seed.SeedIndexes(
                endpoints().elasticsearchUrl())) {
            search.bulkIndex("user", List.of(Map.of("_id", gone, "userName", "x")));
            search.bulkIndex("usernotes", List.of(Map.of("_id", java.util.UUID.randomUUID().toString(),
                    "userId", goneToo)));
        }
        StoreSnapshot before = StoreSnapshot.take(endpoints());

        // when orphans are looked for, then exactly those two are found (the scroll through every index)
        org.accountpurge.purge.Orphans orphans = new org.accountpurge.purge.Orphans(stores, config);
        List<org.accountpurge.purge.Orphans.Orphan> found = orphans.find().stream()
                .filter(o -> o.store().equals("elasticsearch")).toList();
        assertThat(found).extracting(o -> o.target() + " " + o.accountId())
                .containsExactlyInAnyOrder("user " + gone, "usernotes " + goneToo);

        // when they are removed, then each is deleted, and nothing else changed
        assertThat(orphans.remove(found, stepLog).byTarget()).containsOnlyKeys("user", "usernotes")
                .allSatisfy((index, outcomes) -> assertThat(outcomes.values()).allMatch(o -> o.count() == 1));
        StoreSnapshot after = StoreSnapshot.take(endpoints());
        assertThat(after.docs().get("user")).doesNotContainKey(gone);
        assertThat(after.docs().get("usernotes").values()).noneMatch(source -> source.contains(goneToo));
        assertThat(after.docs().get("user").size()).isEqualTo(before.docs().get("user").size() - 1);
        assertThat(after.docs().get("usernotes").size()).isEqualTo(before.docs().get("usernotes").size() - 1);
        assertThat(orphans.find().stream().filter(o -> o.store().equals("elasticsearch"))).isEmpty();
    }

    @Test
    void aDryRunTouchesNoStoreAndLeavesPendingWhatARealRunPurges() throws Exception {
        // given the cleanup CSV and the stores as they are
        Path csv = cleanupCsv();
        StoreSnapshot before = StoreSnapshot.take(endpoints());

        // when a dry run runs
        JobExecution dry = run(csv, true);

        // then it completes without touching any store, with retention recorded and the rest pending
        assertThat(dry.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long dryRun = dry.getJobInstance().getInstanceId();
        assertThat(StoreSnapshot.take(endpoints())).isEqualTo(before);
        // (its step log says only what a real run would do)
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.step_log WHERE run_id = ? AND action NOT LIKE"
                + " 'WOULD\\_%'", Long.class, dryRun)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.step_log WHERE run_id = ? AND action ="
                + " 'WOULD_DELETE'", Long.class, dryRun)).isPositive();
        Set<String> wouldPurge = ids(dryRun, "user", "PENDING");
        assertThat(wouldPurge).isNotEmpty();
        assertThat(ids(dryRun, "user", "RETAINED")).isNotEmpty();

        // and a real run then purges exactly those users
        JobExecution real = run(csv);
        assertThat(ids(real.getJobInstance().getInstanceId(), "user", "PURGED")).isEqualTo(wouldPurge);
    }

    @Test
    void anUnruledForeignKeyStopsTheRunBeforeAnythingIsDeleted() throws Exception {
        onceIsEnough();
        // given a table nobody wrote a rule for, holding a row of a listed user
        String listed = manifest.userIds().get("legacyStateCandidates").get(0);
        jdbc.execute("CREATE TABLE user_wishlist (id serial PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id))");
        try {
            jdbc.update("INSERT INTO user_wishlist (user_id) VALUES (?::uuid)", listed);
            Path csv = cleanupCsv();
            StoreSnapshot before = StoreSnapshot.take(endpoints());

            // when the job runs
            JobExecution execution = run(csv);

            // then it fails in its first step, naming the edge, and no store has changed
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(execution.getStepExecutions()).extracting(StepExecution::getStepName)
                    .containsExactly("validateConfiguration");
            assertThat(execution.getAllFailureExceptions().get(0)).hasMessageContaining("user_wishlist.user_id")
                    .hasMessageContaining("no rule");
            assertThat(StoreSnapshot.take(endpoints())).isEqualTo(before);
        } finally {
            jdbc.execute("DROP TABLE user_wishlist");
        }
    }

    @Test
    void badRowsAreRejectedWithTheirReasonAndTheRestIsPurged() throws Exception {
        onceIsEnough();
        // given a CSV with a byte-order mark, CRLF line ends, reordered and extra columns, and bad rows
        List<String> neverLoggedIn = new ArrayList<>(manifest.userIds().get("legacyStateCandidates"));
        neverLoggedIn.retainAll(manifest.userIds().get("neverLoggedIn"));
        RETAINED_KINDS.forEach(kind -> neverLoggedIn.removeAll(manifest.userIds().get(kind)));
        tenant.tables().get("group_member").rows().forEach(m -> neverLoggedIn.remove(m[1].toString()));
        String a = neverLoggedIn.get(0);
        String b = neverLoggedIn.get(1);
        String csv = "\uFEFFkind,account_id,name\r\n"
                + "user," + a + ",Some Name\r\n"                        // 2 accepted
                + "USER, " + a.toUpperCase() + " ,\r\n"                  // 3 duplicate of line 2 once normalised
                + "user,not-a-uuid,\r\n"                                 // 4 malformed
                + "\r\n"                                                 // 5 blank
                + "group," + b + ",\r\n"                                 // 6 unknown kind
                + "user,\"'; DROP TABLE users; --\",\r\n"                // 7 hostile text
                + "user," + "9".repeat(10 * 1024 * 1024) + ",\r\n"      // 8 a 10 MB line
                + "user,\"" + b + ",\r\n"                                // 9 unbalanced quote
                + "user\r\n"                                             // 10 too few columns
                + "user," + b + ",Other Name";                           // 11 accepted (no final line end)
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);

        // when the job runs
        JobExecution execution = run(file);

        // then each bad row is rejected with its reason and the good ones are purged
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long run = execution.getJobInstance().getInstanceId();
        Map<Long, String> rejected = new HashMap<>();
        jdbc.query("SELECT row_no, reason FROM purge.rejected_row WHERE run_id = ?",
                rs -> {
                    rejected.put(rs.getLong(1), rs.getString(2));
                }, run);
        assertThat(rejected).containsOnly(
                Map.entry(3L, "duplicate of line 2"),
                Map.entry(4L, "malformed user id (expected a uuid)"),
                Map.entry(5L, "blank line"),
                Map.entry(6L, "unknown kind (expected user or org)"),
                Map.entry(7L, "malformed user id (expected a uuid)"),
                Map.entry(8L, "line longer than 65536 characters"),
                Map.entry(9L, "malformed CSV (unbalanced quotes)"),
                Map.entry(10L, "fewer columns than the header"));
        assertThat(ids(run, "user", "PURGED")).containsExactlyInAnyOrder(a, b);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM users", Long.class)).isEqualTo(USERS - 2);
    }

    // --- helpers ---

    /**
     * Property: whatever the tenant (a random seed) and whatever the list (random users of every kind, retained
     * ones included, random orgs, unknown ids), no account that must stay is purged, and nothing but the purged
     * accounts' data changes in any store. The master seed is printed, and can be fixed with
     * {@code -Dpurge.property.seed=N}.
     */
    @Test
    @Tag("proof")
    void retainedAccountsAreNeverTouchedWhateverTheTenantAndTheList() throws Exception {
        onceIsEnough();
        long master = Long.getLong("purge.property.seed", System.nanoTime());
        System.out.println("Property test master seed: " + master + " (-Dpurge.property.seed=" + master + ")");
        java.util.Random random = new java.util.Random(master);
        for (int round = 0; round < 3; round++) {
            // given a random tenant and a random list
            long seed = random.nextInt(1_000_000);
            SeedManifest m = SeedCommand.seed(TestStack.stack(), engine, 150, 10, seed, SECRET, null);
            ReferenceTenant t = TenantGenerator.generate(150, 10, seed);
            StringBuilder text = new StringBuilder("account_id,kind\n");
            Set<String> listed = new HashSet<>();
            for (Object[] user : t.tables().get("users").rows()) {
                if (random.nextInt(2) == 0) {
                    listed.add(user[0].toString());
                    text.append(user[0]).append(",user\n");
                }
            }
            for (Object[] org : t.tables().get("organisation").rows()) {
                if (random.nextInt(3) == 0) {
                    text.append(org[0]).append(",org\n");
                }
            }
            text.append(java.util.UUID.randomUUID()).append(",user\n");
            Set<String> mustStay = new HashSet<>();
            RETAINED_KINDS.forEach(kind -> mustStay.addAll(m.userIds().get(kind)));
            t.tables().get("group_member").rows().stream().filter(g -> !"member".equals(g[2]))
                    .forEach(g -> mustStay.add(g[1].toString()));
            mustStay.retainAll(listed);
            Path csv = write("random-" + round + ".csv", text.toString());
            StoreSnapshot before = StoreSnapshot.take(endpoints());

            // when the job runs
            JobExecution execution = run(csv);

            // then no account that must stay is purged, and it is recorded as retained
            String round0 = "round " + round + ", tenant seed " + seed + ", master seed " + master;
            assertThat(execution.getStatus()).as(round0).isEqualTo(BatchStatus.COMPLETED);
            long run = execution.getJobInstance().getInstanceId();
            Set<String> purged = new HashSet<>(ids(run, "user", "PURGED"));
            purged.addAll(ids(run, "org", "PURGED"));
            assertThat(purged).as(round0).isNotEmpty().doesNotContainAnyElementsOf(mustStay);
            assertThat(ids(run, "user", "RETAINED")).as(round0).containsAll(mustStay);

            // and nothing but the purged accounts' data changed: realm users, documents, rows
            StoreSnapshot after = StoreSnapshot.take(endpoints());
            Map<String, String> keptUsers = new HashMap<>(before.users());
            keptUsers.keySet().removeAll(purged);
            assertThat(after.users()).as(round0).isEqualTo(keptUsers);
            before.docs().forEach((index, docs) -> docs.forEach((id, source) -> {
                if (!purged.contains(id) && !containsAny(source, purged)) {
                    assertThat(after.docs().get(index)).as(round0 + ": " + index).containsEntry(id, source);
                }
            }));
            assertRowsOnlyDeletedOrNulled(before, after, purged);
        }
    }

    JobExecution run(Path csv) throws Exception {
        return run(csv, false);
    }

    JobExecution run(Path csv, boolean dryRun) throws Exception {
        return jobOperator.start(accountPurgeJob, new JobParametersBuilder()
                .addString("input", csv.toAbsolutePath().toString())
                .addString("input.sha256", CsvCandidateReader.sha256(csv))
                .addString("run.started", Instant.now().toString() + System.nanoTime())
                .addString("dry.run", String.valueOf(dryRun))
                .toJobParameters());
    }

    /**
     * The user accounts of the k-th chunk of purgeUsers in the latest run (the reader's order: pending users by id;
     * retained users are never read), for a fault that must strike in that chunk.
     */
    Set<String> chunkOfLastRun(int k) {
        return new HashSet<>(jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = (SELECT"
                + " max(run_id) FROM purge.candidate) AND kind = 'user' AND state <> 'RETAINED' ORDER BY account_id"
                + " LIMIT 10 OFFSET ?", String.class, (k - 1) * 10));
    }

    /** Runs the job on {@code csv} to completion, takes the stores' end state, and seeds the tenant again. */
    StoreSnapshot uninterruptedEndState(Path csv) throws Exception {
        assertThat(run(csv).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        StoreSnapshot end = StoreSnapshot.take(endpoints());
        seed(seeded);
        return end;
    }

    /** {@code restart --after-crash} of an execution from the command line in its own JVM (see purgeProcess). */
    Process restartProcess(long execution) throws Exception {
        return cliProcess("restart", "--config", "jobs-config/reference-tenant.yml", "--execution",
                String.valueOf(execution), "--after-crash");
    }

    /** {@code purge} from the command line in its own JVM, against the test stack and the Elasticsearch proxy. */
    Process purgeProcess(Path csv) throws Exception {
        return cliProcess("purge", "--config", "jobs-config/reference-tenant.yml", "--input", csv.toString(),
                "--new-run", "true", "--reason", "crash test");
    }

    Process cliProcess(String... argv) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Dpurge.job.chunk-size=10",
                "-Dpurge.job.report-directory=target/purge-reports-test", "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.cli.Main"));
        command.addAll(List.of(argv));
        ProcessBuilder pb = new ProcessBuilder(command);
        endpoints().asPurgeProperties().forEach((k, v) -> pb.environment().put(k, v.toString()));
        pb.environment().put("PURGE_ES_URL", elasticsearch.url());
        pb.environment().put("PURGE_KC_CLIENT_SECRET", SECRET);
        Files.createDirectories(Path.of("target"));
        return pb.redirectErrorStream(true).redirectOutput(Path.of("target/killed-purge.log").toFile()).start();
    }

    /** The seeded tenant's legacy-state cleanup CSV (the sample input's shape). */
    Path cleanupCsv() throws Exception {
        return write("cleanup.csv", SeedCommand.sampleCsv(tenant.legacyCleanupRows()));
    }

    /** Every user of the tenant (retained ones included) and the legacy cleanup's orgs. */
    Path everyUserCsv() throws Exception {
        List<String[]> rows = new ArrayList<>();
        tenant.tables().get("users").rows().forEach(r -> rows.add(new String[] {r[0].toString(), "user"}));
        tenant.legacyCleanupRows().stream().filter(r -> "org".equals(r[1])).forEach(rows::add);
        return write("every-user.csv", SeedCommand.sampleCsv(rows));
    }

    Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    Set<String> ids(long run, String kind, String state) {
        return new HashSet<>(jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND kind = ?"
                + " AND state = ?", String.class, run, kind, state));
    }

    List<String> log(long run, String account, String store, String target) {
        return jdbc.queryForList("SELECT action || ' ' || count FROM purge.step_log WHERE run_id = ? AND account_id = ?"
                + " AND store = ? AND target = ? ORDER BY id", String.class, run, account, store, target);
    }

    static StepExecution step(JobExecution execution, String name) {
        return execution.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst().orElse(null);
    }

    static Set<String> mentioned(String text) {
        Set<String> ids = new HashSet<>();
        Matcher m = UUID.matcher(text);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    static boolean containsAny(String text, Set<String> ids) {
        return mentioned(text).stream().anyMatch(ids::contains);
    }

    /**
     * Every row present after the purge was there before, unchanged or with set-null columns nulled where they
     * referenced a purged account; every row gone mentioned a purged account or a row that is gone too.
     */
    static void assertRowsOnlyDeletedOrNulled(StoreSnapshot before, StoreSnapshot after, Set<String> purged) {
        Set<String> gone = new HashSet<>(purged);
        Map<String, List<String>> missing = new HashMap<>();
        before.rows().forEach((table, rows) -> {
            Set<String> now = new HashSet<>(after.rows().get(table));
            for (String row : rows) {
                if (!now.contains(row)) {
                    missing.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
                }
            }
        });
        boolean grew = true;
        while (grew) {
            grew = false;
            for (List<String> rows : missing.values()) {
                for (String row : rows) {
                    Set<String> ids = mentioned(row);
                    if (ids.stream().anyMatch(gone::contains) && gone.addAll(ids)) {
                        grew = true;
                    }
                }
            }
        }
        after.rows().forEach((table, rows) -> {
            Set<String> old = new HashSet<>(before.rows().get(table));
            for (String row : rows) {
                if (!old.contains(row)) {
                    List<String> columns = SET_NULL_COLUMNS.getOrDefault(table, List.of());
                    assertThat(columns).as("changed row of " + table + " that has no set-null column").isNotEmpty();
                    assertThat(missing.get(table).stream().anyMatch(o -> nulledFrom(o, row, columns, purged)))
                            .as("changed row of " + table + " is an old row with set-null columns nulled").isTrue();
                }
            }
        });
        missing.forEach((table, rows) -> rows.forEach(row -> {
            boolean nulledCopyKept = after.rows().get(table).stream()
                    .anyMatch(n -> nulledFrom(row, n, SET_NULL_COLUMNS.getOrDefault(table, List.of()), purged));
            assertThat(nulledCopyKept || containsAny(row, gone)).as("deleted row of " + table).isTrue();
        }));
    }

    /** {@code now} equals {@code old} except set-null columns that held a purged id and are now null. */
    static boolean nulledFrom(String old, String now, List<String> columns, Set<String> purged) {
        String expected = old;
        for (String column : columns) {
            Matcher m = Pattern.compile("\"" + column + "\":\"([0-9a-f-]{36})\"").matcher(expected);
            if (m.find() && purged.contains(m.group(1))) {
                expected = expected.substring(0, m.start()) + "\"" + column + "\":null" + expected.substring(m.end());
            }
        }
        return !expected.equals(old) && expected.equals(now);
    }
}
