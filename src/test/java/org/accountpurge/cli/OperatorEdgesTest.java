package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.accountpurge.audit.RunSummary;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.accountpurge.seed.KeycloakUserSpec;
import org.accountpurge.seed.SeedIndexes;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.postgres.TenantLock;
import org.accountpurge.support.FlakyHttpProxy;
import org.accountpurge.support.ProxiedStack;
import org.accountpurge.support.TenantUntouched;
import org.accountpurge.support.SeededTenant;
import org.accountpurge.support.RealStackExtension;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.StoreSnapshot;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The paths an operator takes every day, through the command line on the real stack: wrong option values, a dry run
 * then the run, a second purge while one runs, {@code status} during a purge, a killed purge restarted only with its
 * own input and configuration, a frozen Keycloak, retention queries that try to write, and what the output says.
 * Keycloak is reached through a proxy that a test can freeze.
 */
@RealStack(users = OperatorEdgesTest.USERS, orgs = OperatorEdgesTest.ORGS, seed = OperatorEdgesTest.SEED)
@ExtendWith(OutputCaptureExtension.class)
class OperatorEdgesTest {

    static final int USERS = 300;
    static final int ORGS = 20;
    static final long SEED = 11;
    static final String SECRET = RealStackExtension.SECRET;
    static final String KC_USER_DELETE = "DELETE /admin/realms/[^/]+/users/[^/]+";
    static final String KC_USER_GET = "GET /admin/realms/[^/]+/users/[^/]+";
    static final Pattern PRINTED_RESTART = Pattern.compile("java -jar \\S+ (restart --config \\S+ --execution \\d+[^\\n]*)");

    static ProxiedStack proxied;
    static StackEndpoints stack;
    static FlakyHttpProxy keycloak;
    static JdbcTemplate jdbc;

    @TempDir
    Path dir;
    SeedManifest manifest;
    ReferenceTenant tenant;

    @BeforeAll
    static void stack(ProxiedStack proxiedStack) {
        proxied = proxiedStack;
        stack = proxied.stack();
        keycloak = proxied.keycloak();
        jdbc = proxied.jdbc();
    }

    @BeforeEach
    void tenant(SeededTenant seeded) {
        manifest = seeded.manifest();
        tenant = seeded.tenant();
    }

    @Test
    @TenantUntouched
    void aWrongOptionValueIsACommandLineErrorAndNothingRuns(CapturedOutput output) throws Exception {
        // given the cleanup CSV, and the executions and users as they are
        Path csv = cleanupCsv();
        long executions = executions();

        // when a flag is given a value that is neither true nor false, or twice, then nothing runs (exit 2)
        assertThat(cli("purge", "--config", config().toString(), "--input", csv.toString(), "--dry-run", "yes"))
                .isEqualTo(2);
        assertThat(output.getAll()).contains("option '--dry-run': takes no value, or true or false (got 'yes')");
        assertThat(cli("purge", "--config", config().toString(), "--input", csv.toString(), "--new-run", "maybe"))
                .isEqualTo(2);
        assertThat(cli("purge", "--config", config().toString(), "--input", csv.toString(), "--dry-run", "--dry-run"))
                .isEqualTo(2);
        assertThat(cli("restart", "--config", config().toString(), "--execution", "1", "--after-crash", "yes"))
                .isEqualTo(2);
        assertThat(cli("restart", "--config", config().toString(), "--execution", "1", "--config-changed", "1"))
                .isEqualTo(2);
        assertThat(executions()).isEqualTo(executions);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
    }

    @Test
    void aDryRunThenTheRunJustWorksAndSaysWhatItDid(CapturedOutput output) throws Exception {
        // given two never-logged-in users that nothing retains, and an id no store knows
        List<String> free = unretainedNeverLoggedIn();
        String unknown = UUID.randomUUID().toString();
        Path csv = write("three.csv", "account_id,kind\n" + free.get(0) + ",user\n" + free.get(1) + ",user\n"
                + unknown + ",user\n");

        // when a dry run (the flag alone) runs
        assertThat(cli("purge", "--config", config().toString(), "--input", csv.toString(), "--dry-run")).isZero();

        // then it says what a real run would do — purge 2, find nothing of the unknown id — and no restart or
        // pending work (issue 24: it said 3 would be purged, and the real run purged 2)
        String dry = output.getAll();
        assertThat(dry).contains("(dry run)", "would be purged by a real run: 2; not found in any store: 1; retained:"
                + " 0; would fail: 0; rejected rows: 0").doesNotContain("to finish it").doesNotContain("accounts pending");
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);

        // when the real run of the same file follows, then it runs and completes
        assertThat(cli("purge", "--config", config().toString(), "--input", csv.toString(), "--reason", "ticket OPS-1")).isZero();

        // and the unknown id is reported as not found, not as purged
        String real = output.getAll().substring(dry.length());
        assertThat(real).contains("accounts pending: 0; not found in any store: 1");
        long run = latestRun();
        assertThat(state(run, unknown)).isEqualTo("NOT_FOUND");
        assertThat(state(run, free.get(0))).isEqualTo("PURGED");
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS - 2);
    }

    @Test
    void aLongDryRunLogsProgressByTimeNotByChunk(CapturedOutput output) throws Exception {
        // given a thousand ids (in chunks of 10)
        StringBuilder text = new StringBuilder("account_id,kind\n");
        for (int i = 0; i < 1000; i++) {
            text.append(UUID.randomUUID()).append(",user\n");
        }
        Path csv = write("many.csv", text.toString());

        // when a dry run runs with progress lines every 300 ms (output is not a terminal: lines, not a bar)
        Path config = config("report-directory: target/purge-reports-test",
                "report-directory: target/purge-reports-test\n    progress-interval: 300ms");
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--dry-run", "true"))
                .isZero();

        // then each step says its total at the start, then done/total, rate and time left by time, not per chunk
        List<String> lines = output.getAll().lines().filter(l -> l.contains("retainUsers: ")).toList();
        assertThat(lines.get(0)).contains("retainUsers: 1000 user account(s) to go");
        assertThat(lines.get(lines.size() - 1)).containsPattern("retainUsers: 1000/1000 user accounts \\(100.0%\\),"
                + " [0-9.]+/s, done, 0 failed so far — COMPLETED");
        assertThat(lines.size()).as("by time, not one per chunk of 10").isLessThan(60);
        assertThat(lines).as("a line on the way").anyMatch(l -> l.matches(".*retainUsers: [1-9][0-9]{0,2}/1000 user"
                + " accounts .* (about [0-9hms ]+ left|done), 0 failed so far"));
        assertThat(output.getAll()).containsPattern("purgeUsers: [0-9]+/1000 user accounts");
        assertThat(output.getAll()).contains("would be purged by a real run: 0; not found in any store: 1000");
    }

    @Test
    void aPurgeInProgressOwnsTheTenantAndStatusStillAnswers(CapturedOutput output) throws Exception {
        // given a purge in its own process, inside its first chunk: database rows deleted in the chunk's open
        // transaction, Keycloak frozen on the deletes
        Path config = config("timeout: 30s", "timeout: 300s");
        Path csv = cleanupCsv();
        keycloak.hangAfter(KC_USER_DELETE, 1);
        Process purge = purgeProcess(config, csv, "purge-in-progress.log");
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as("the purge reached Keycloak's deletes").isTrue();
            long execution = latestExecution();

            // when status is asked from another process, then it answers at once (no DDL, no lock waited for)
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> cliUnchecked("status", "--config",
                    config.toString(), "--execution", String.valueOf(execution)));
            assertThat(status.get(90, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(output.getAll()).contains("(execution " + execution + "): STARTED",
                    "running: the tenant's lock is held by 'account-purge pid " + purge.pid());

            // when the same file, or another file sharing accounts, is purged meanwhile, then both are refused,
            // naming the running execution
            String before = output.getAll();
            assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "ticket OPS-1")).isEqualTo(3);
            Path other = write("other.csv", "account_id,kind\n"
                    + manifest.userIds().get("legacyStateCandidates").get(0) + ",user\n");
            assertThat(cli("purge", "--config", config.toString(), "--input", other.toString(), "--new-run", "--reason", "ticket OPS-1"))
                    .isEqualTo(3);
            // and so is marking it crashed while its process lives
            assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution),
                    "--after-crash")).isEqualTo(3);
            String refusals = output.getAll().substring(before.length());
            assertThat(refusals.split("another purge is running on this tenant", -1)).hasSize(4);
            assertThat(refusals).contains("execution " + execution + " (STARTED since");

            // when Keycloak answers again, then the purge completes
            keycloak.heal();
            assertThat(purge.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(purge.exitValue()).as(Files.readString(Path.of("target", "purge-in-progress.log"))).isZero();
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + runOf(execution)
                    + " AND state = 'PENDING'")).isZero();
        } finally {
            purge.destroyForcibly();
        }
    }

    @Test
    void aKilledPurgeIsFinishedByRestartWithItsOwnInputAndConfiguration(CapturedOutput output) throws Exception {
        // given a purge process killed (SIGKILL) inside a chunk
        Path config = config("timeout: 30s", "timeout: 300s");
        Path csv = cleanupCsv();
        String original = Files.readString(csv);
        keycloak.hangAfter(KC_USER_DELETE, 1);
        Process purge = purgeProcess(config, csv, "killed-purge-cli.log");
        assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).isTrue();
        // (the one Keycloak delete answered before the others were held — deleted, or absent for an account without a
        // user — is in the step log at once, while the call for the rest of the chunk still waits: not only STARTED)
        String deletedRows = "SELECT count(*) FROM purge.step_log WHERE job_execution_id = " + latestExecution()
                + " AND store = 'keycloak' AND action IN ('DELETED', 'ABSENT')";
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(deletedRows) == 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(100);
        }
        purge.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        long execution = latestExecution();
        assertThat(count(deletedRows)).as("Keycloak outcomes recorded before the kill").isEqualTo(1);
        keycloak.heal(); // the deletes held at the kill now reach Keycloak: done, and nobody is told

        // when the same file is purged again, then it is refused and pointed at restart --after-crash
        String before = output.getAll();
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "ticket OPS-1")).isEqualTo(3);
        assertThat(output.getAll().substring(before.length())).contains("execution " + execution
                + " of this same input was interrupted", "restart --config " + config + " --execution " + execution
                + " --after-crash");

        // when it is restarted without --after-crash, then it is refused: it is still marked running
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution)))
                .isEqualTo(3);
        assertThat(output.getAll()).contains("no process holds the tenant's lock");

        // when the input file was edited, then the restart is refused, saying what changed
        Files.writeString(csv, original + UUID.randomUUID() + ",user\n");
        before = output.getAll();
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution),
                "--after-crash")).isEqualTo(3);
        assertThat(output.getAll().substring(before.length())).contains("changed since run",
                CsvCandidateSha.of(original), CsvCandidateSha.of(Files.readString(csv)));
        Files.writeString(csv, original);

        // when the configuration was edited, then the restart is refused unless the change is confirmed
        Files.writeString(config, Files.readString(config) + "# reviewed change\n");
        before = output.getAll();
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution),
                "--after-crash")).isEqualTo(3);
        String refusal = output.getAll().substring(before.length());
        assertThat(refusal).contains("the job configuration " + config + " changed since the run's last execution");

        // when the printed restart command is pasted with --config-changed, then the run completes
        Matcher printed = PRINTED_RESTART.matcher(refusal);
        assertThat(printed.find()).isTrue();
        List<String> argv = new ArrayList<>(List.of(printed.group(1).trim().split(" ")));
        argv.add("--after-crash");
        before = output.getAll();
        assertThat(cli(argv.toArray(String[]::new))).isZero();
        String done = output.getAll().substring(before.length());
        assertThat(done).contains("COMPLETED", "accounts pending: 0",
                "configuration changed (restart with --config-changed) at execution(s): [");

        // and no account the killed execution called Keycloak for without learning the outcome is counted "already
        // gone" by the restart: that call may have deleted it (the held deletes did)
        long run = runOf(execution);
        assertThat(count("SELECT count(*) FROM purge.step_log l WHERE l.run_id = " + run + " AND l.store = 'keycloak'"
                + " AND l.action = 'ABSENT' AND l.error_class IS NULL AND EXISTS (SELECT 1 FROM purge.step_log s WHERE"
                + " s.run_id = l.run_id AND s.account_id = l.account_id AND s.store = 'keycloak' AND s.action ="
                + " 'STARTED' AND s.job_execution_id = " + execution + ") AND NOT EXISTS (SELECT 1 FROM"
                + " purge.step_log o WHERE o.run_id = l.run_id AND o.account_id = l.account_id AND o.store ="
                + " 'keycloak' AND o.action <> 'STARTED' AND o.job_execution_id = " + execution + ")")).isZero();
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND store = 'keycloak' AND"
                + " error_class = '" + org.accountpurge.store.TargetOutcome.AFTER_UNANSWERED_ATTEMPT + "'"))
                .isPositive();

        // and its totals count each account once per store and target, over both executions
        RunSummary summary = RunSummary.load(jdbc, run, latestExecution(), "COMPLETED", false, csv.toString());
        long users = count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND kind = 'user' AND"
                + " state IN ('PURGED', 'NOT_FOUND')");
        assertThat(summary.stores().get("keycloak").get(ReferenceTenant.REALM).values().stream()
                .mapToLong(Long::longValue).sum()).isEqualTo(users);
        assertThat(summary.stores().get("postgres").get("users").get("deleted")).isEqualTo(count("SELECT count(*)"
                + " FROM purge.candidate WHERE run_id = " + run + " AND kind = 'user' AND state = 'PURGED'"));
    }

    @Test
    void aStopDuringTheVerificationEndsItBetweenPagesAndTheRestartGoesOnFromThere(CapturedOutput output)
            throws Exception {
        // given a purge of the cleanup CSV (chunks, and pages of its verification, of 10), held in its verification
        // once Keycloak has answered 15 user look-ups (the preflight's count among them: inside the second page)
        Path config = config("timeout: 30s", "timeout: 300s", "chunk-size: 10", "chunk-size: 10\n    verify-page-size: 10");
        Path csv = cleanupCsv();
        keycloak.hangAfter(KC_USER_GET, 15);
        Process purge = purgeProcess(config, csv, "stopped-verify.log");
        long execution;
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as("the verification reached Keycloak").isTrue();
            execution = latestExecution();
            assertThat(count("SELECT count(*) FROM purge.batch_step_execution WHERE job_execution_id = " + execution
                    + " AND step_name = 'verifyPurge'")).isEqualTo(1);

            // when it is asked to stop, and Keycloak answers again
            assertThat(cli("stop", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
            keycloak.heal();
            assertThat(purge.waitFor(3, TimeUnit.MINUTES)).isTrue();
        } finally {
            purge.destroyForcibly();
        }

        // then the verification ended STOPPED between its pages, keeping where the next one starts
        assertThat(jdbc.queryForObject("SELECT status FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name = 'verifyPurge'", String.class, execution)).isEqualTo("STOPPED");
        long run = runOf(execution);
        long purged = count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND kind = 'user' AND"
                + " state = 'PURGED'");

        // when it is restarted, then it completes, looking up only the users after the pages it had checked
        keycloak.count(KC_USER_GET);
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
        assertThat(keycloak.counted()).as("users looked up by the restart, of " + purged).isPositive()
                .isLessThanOrEqualTo((int) purged - 10);
        assertThat(output.getAll()).contains("COMPLETED", "nothing is left of the purged accounts where it looked");

        // and the restart's report lists the steps of both executions, the stopped verification among them
        Matcher report = Pattern.compile("Report: (\\S+)/report\\.html").matcher(output.getAll());
        String folder = null;
        while (report.find()) {
            folder = report.group(1);
        }
        assertThat(folder).isNotNull();
        tools.jackson.databind.JsonNode steps = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(Path.of(folder, "report.json").toFile()).path("steps");
        List<String> listed = new ArrayList<>();
        steps.forEach(step -> listed.add(step.path("execution").asLong() + " " + step.path("name").asString() + " "
                + step.path("status").asString()));
        assertThat(listed).contains(execution + " verifyPurge STOPPED", latestExecution() + " verifyPurge COMPLETED");
    }

    @Test
    void aFrozenKeycloakFailsTheRunWithinItsTimeoutAndARestartFinishes(CapturedOutput output) throws Exception {
        // given Keycloak with a 3 s timeout, frozen from the first user delete on
        Path config = config("timeout: 30s", "timeout: 3s");
        Path csv = cleanupCsv();
        keycloak.hangAfter(KC_USER_DELETE, 0);

        // when the purge runs
        long start = System.nanoTime();
        int exit = cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "ticket OPS-1");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        // then it fails restartably after its retries (one timeout per attempt for the chunk, not one per account)
        assertThat(exit).isEqualTo(1);
        assertThat(seconds).as("seconds until the run failed").isLessThan(60);
        long execution = latestExecution();
        long run = runOf(execution);
        // and the step log says Keycloak timed out; no document or row was deleted for the chunk (the rows went back
        // with the chunk's transaction; Elasticsearch comes after Keycloak)
        assertThat(jdbc.queryForList("SELECT DISTINCT error_class FROM purge.step_log WHERE run_id = ? AND store ="
                + " 'keycloak' AND action = 'FAILED'", String.class, run)).contains("timeout");
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND store IN"
                + " ('elasticsearch', 'postgres') AND action = 'DELETED'")).isZero();
        assertThat(output.getAll()).contains("keycloak failed on " + ReferenceTenant.REALM);

        // when Keycloak answers again and the printed restart command is run, then the run completes
        keycloak.heal();
        Matcher printed = PRINTED_RESTART.matcher(output.getAll());
        assertThat(printed.find()).isTrue();
        assertThat(cli(printed.group(1).trim().split(" "))).isZero();
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PENDING'"))
                .isZero();
    }

    @Test
    @Tag("proof")
    void keycloakFrozenMidRunFailsTheRunNamingItAndARestartFinishes(CapturedOutput output) throws Exception {
        frozenMidRunThenRestarted("Keycloak", "keycloak failed on " + ReferenceTenant.REALM, output);
    }

    @Test
    @Tag("proof")
    void elasticsearchFrozenMidRunFailsTheRunNamingItAndARestartFinishes(CapturedOutput output) throws Exception {
        frozenMidRunThenRestarted("Elasticsearch", "elasticsearch failed on ", output);
    }

    /**
     * A purge in its own process; once its first chunks are committed, the real server process is frozen (SIGSTOP);
     * the run fails after its retries, naming the store; the server is thawed and the printed restart completes.
     */
    void frozenMidRunThenRestarted(String server, String named, CapturedOutput output) throws Exception {
        // given a purge with 3 s timeouts, paced by Keycloak's rate limit so that it is still running when frozen
        Path config = pacedConfig();
        Path csv = cleanupCsv();
        StoreSnapshot before = StoreSnapshot.take(stack);
        long executionsBefore = executions();
        Process purge = purgeProcess(config, csv, "frozen-" + server + ".log");
        Path log = Path.of("target", "frozen-" + server + ".log");
        try {
            long run = awaitPurged(purge, log, executionsBefore);

            // when the server is frozen mid-run
            try (AutoCloseable frozen = TestStack.stack().freeze(server)) {
                // then the run fails restartably after its retries, naming the store
                assertThat(purge.waitFor(3, TimeUnit.MINUTES)).as("the purge ended while " + server + " was frozen")
                        .isTrue();
            }
            String text = Files.readString(log);
            assertThat(purge.exitValue()).as(text).isEqualTo(1);
            assertThat(text).contains(named).contains("to finish it:");
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PENDING'"))
                    .as("accounts left for the restart").isPositive();

            // when the server is thawed and the printed restart command is run, then the run completes
            Matcher printed = PRINTED_RESTART.matcher(text);
            assertThat(printed.find()).isTrue();
            assertThat(cli(printed.group(1).trim().split(" "))).as(output.getAll()).isZero();
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state IN"
                    + " ('PENDING', 'FAILED')")).isZero();

            // and exactly the purged accounts are gone: every other realm user is unchanged, every other user row kept
            List<String> purged = jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND"
                    + " kind = 'user' AND state = 'PURGED'", String.class, run);
            StoreSnapshot after = StoreSnapshot.take(stack);
            Map<String, String> kept = new HashMap<>(before.users());
            kept.keySet().removeAll(purged);
            assertThat(after.users()).isEqualTo(kept);
            assertThat(after.rows().get("users").stream().filter(row -> purged.stream().noneMatch(row::contains)))
                    .hasSize(before.rows().get("users").size() - purged.size());
        } finally {
            purge.destroyForcibly();
        }
    }

    @Test
    @Tag("proof")
    void aPurgeWhoseLockWasTakenByAnotherProcessStopsBeforeItsNextChunkAndARestartFinishes() throws Exception {
        // given a purge in its own process, past its first chunks
        Path csv = cleanupCsv();
        long executionsBefore = executions();
        Process purge = purgeProcess(pacedConfig(), csv, "lock-lost.log");
        Path log = Path.of("target", "lock-lost.log");
        try {
            long run = awaitPurged(purge, log, executionsBefore);

            // when the database ends the session holding its lock, and another process takes the lock
            // (again if the purge took it back first: it may, when nobody else holds it)
            DataSource other = new DriverManagerDataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
            Optional<TenantLock> lock = Optional.empty();
            for (int attempt = 0; attempt < 5 && lock.isEmpty(); attempt++) {
                assertThat(jdbc.queryForObject("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_locks WHERE"
                        + " locktype = 'advisory' AND granted AND objsubid = 2", Boolean.class)).isTrue();
                lock = TenantLock.tryAcquire(other, "public");
            }
            try (TenantLock taken = lock.orElseThrow()) {
                // then the purge stops before its next chunk, saying why
                assertThat(purge.waitFor(3, TimeUnit.MINUTES)).isTrue();
                String text = Files.readString(log);
                assertThat(purge.exitValue()).as(text).isEqualTo(1);
                assertThat(text).contains("the tenant's purge lock was lost").contains("to finish it:");
                assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run
                        + " AND state = 'PENDING'")).isPositive();

                // and while the other process holds the lock, the restart is refused
                Matcher printed = PRINTED_RESTART.matcher(text);
                assertThat(printed.find()).isTrue();
                assertThat(cli(printed.group(1).trim().split(" "))).isEqualTo(3);

                // when the other process has ended, then the restart completes the run
                taken.close();
                assertThat(cli(printed.group(1).trim().split(" "))).isZero();
            }
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state IN"
                    + " ('PENDING', 'FAILED')")).isZero();
        } finally {
            purge.destroyForcibly();
        }
    }

    @Test
    void aStopFromAnotherProcessEndsTheRunStoppedAndAnAbandonWithAReasonEndsItForGood(CapturedOutput output)
            throws Exception {
        // given a purge in its own process, held inside its first chunk at Keycloak; when `stop` is run from here
        // (another process) and Keycloak answers again, then the purge ends once its chunk is done
        Path config = config("timeout: 30s", "timeout: 300s");
        Path csv = cleanupCsv();
        long execution = stoppedFromAnotherProcess(config, csv, output);
        long run = runOf(execution);
        assertThat(jdbc.queryForObject("SELECT status FROM purge.batch_job_execution WHERE job_execution_id = ?",
                String.class, execution)).isEqualTo("STOPPED");
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'"))
                .isEqualTo(10);
        // and `list` shows it, and a second stop has nothing to stop
        String before = output.getAll();
        assertThat(cli("list", "--config", config.toString(), "--limit", "3")).isZero();
        assertThat(output.getAll().substring(before.length())).contains("execution " + execution + "  run " + run
                + "  STOPPED  " + csv.toAbsolutePath()).contains("purged 10")
                .contains(" by " + System.getProperty("user.name") + ", ended ");
        assertThat(cli("stop", "--config", config.toString(), "--execution", String.valueOf(execution)))
                .isEqualTo(3);

        // when it is abandoned without a reason, then nothing happens; with one, it is ABANDONED for good, recorded
        assertThat(cli("abandon", "--config", config.toString(), "--execution", String.valueOf(execution)))
                .isEqualTo(2);
        assertThat(cli("abandon", "--config", config.toString(), "--execution", String.valueOf(execution),
                "--reason", "the list was the wrong state", "--initiator", "bob.oncall")).isZero();
        assertThat(jdbc.queryForObject("SELECT status || ' ' || exit_message FROM purge.batch_job_execution WHERE"
                + " job_execution_id = ?", String.class, execution))
                .isEqualTo("ABANDONED abandoned by bob.oncall: the list was the wrong state");
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution)))
                .isEqualTo(3);
    }

    @Test
    void anAccountKeycloakRefusesForGoodIsFailedAndTheRestOfTheRunCompletes(CapturedOutput output) throws Exception {
        // given two users nothing retains, with Keycloak identities; Keycloak refuses (403) to delete the first
        List<String> free = new ArrayList<>(unretainedNeverLoggedIn());
        free.removeAll(manifest.userIds().get("noKeycloak"));
        String refused = free.get(0);
        String other = free.get(1);
        Path csv = write("two.csv", "account_id,kind\n" + refused + ",user\n" + other + ",user\n");
        keycloak.refuse("DELETE .*/users/" + refused, 403);
        Map<String, Object> refusedBefore;
        try (KeycloakRealmSetup admin = admin()) {
            refusedBefore = admin.describeUser(ReferenceTenant.REALM, refused);
        }

        // when the purge runs (a new run: an earlier test of this class may have purged the same two accounts of the
        // same seed, with a file of the same content)
        int exit = cli("purge", "--config", config().toString(), "--input", csv.toString(), "--reason", "ticket OPS-1",
                "--new-run");

        // then it completes, with exit code 4 and the failed account counted, its real state said (issue 24: after a
        // Keycloak refusal the account was said to be "left locked out" while its Keycloak user stayed enabled)
        assertThat(exit).isEqualTo(4);
        assertThat(output.getAll()).contains("accounts FAILED: 1 (not purged;")
                .contains("nothing of them was removed in any store")
                .contains("FAILED in keycloak " + ReferenceTenant.REALM + " (HTTP 403): not purged; nothing of it was"
                        + " removed")
                .doesNotContainIgnoringCase("locked out");
        long run = latestRun();
        assertThat(state(run, refused)).isEqualTo("FAILED");
        assertThat(state(run, other)).isEqualTo("PURGED");
        // and nothing of the refused account is gone: its database rows (undone to a savepoint), its Keycloak user
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + refused + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM user_lookup WHERE user_id = '" + refused + "'")).isPositive();
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + other + "'")).isZero();
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.describeUser(ReferenceTenant.REALM, refused)).isEqualTo(refusedBefore); // not disabled
            assertThat(admin.userExists(ReferenceTenant.REALM, other)).isFalse();
        }
        // and the step log says what happened to it: Keycloak refused; no database outcome, no document touched
        // (Elasticsearch comes after the login identity)
        assertThat(jdbc.queryForList("SELECT store || ' ' || action || coalesce(' ' || error_class, '') FROM"
                + " purge.step_log WHERE run_id = ? AND account_id = ? AND action NOT IN ('STARTED', 'ABSENT')",
                String.class, run, refused)).containsExactly("keycloak FAILED HTTP 403");

        // and `failed` lists it with the store, target and error
        long execution = latestExecution();
        String before = output.getAll();
        assertThat(cli("failed", "--config", config().toString(), "--execution", String.valueOf(execution)))
                .isZero();
        assertThat(output.getAll().substring(before.length())).contains("1 FAILED account(s)")
                .contains("user " + refused + "  keycloak " + ReferenceTenant.REALM + "  HTTP 403");

        // when Keycloak accepts again and the failed accounts of that execution are retried
        keycloak.heal();
        assertThat(cli("retry-failed", "--config", config().toString(), "--execution", String.valueOf(execution)))
                .isZero();

        // then exactly the failed account was driven again, as a new run, and is purged everywhere
        long retry = latestRun();
        assertThat(retry).isNotEqualTo(run);
        assertThat(jdbc.queryForList("SELECT account_id || ' ' || state FROM purge.candidate WHERE run_id = ?",
                String.class, retry)).containsExactly(refused + " PURGED");
        assertThat(count("SELECT count(*) FROM users WHERE id = '" + refused + "'")).isZero();
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.userExists(ReferenceTenant.REALM, refused)).isFalse();
        }
        // and retrying a run without failed accounts does nothing
        assertThat(cli("retry-failed", "--config", config().toString(), "--execution",
                String.valueOf(latestExecution()))).isZero();
        assertThat(latestRun()).isEqualTo(retry);
    }

    @Test
    void aVerificationKeycloakCannotAnswerFailsTheRunAndARestartVerifiesAgain(CapturedOutput output) throws Exception {
        // given two users nothing retains, with Keycloak identities; Keycloak answers 503 to looking either of them up
        // (the purge deletes them; only the verification looks them up afterwards)
        List<String> free = new ArrayList<>(unretainedNeverLoggedIn());
        free.removeAll(manifest.userIds().get("noKeycloak"));
        List<String> purged = free.subList(0, 2);
        Path csv = write("two.csv", "account_id,kind\n" + purged.get(0) + ",user\n" + purged.get(1) + ",user\n");
        keycloak.refuse("GET /admin/realms/[^/]+/users/(" + String.join("|", purged) + ")$", 503);

        // when the purge runs
        int exit = cli("purge", "--config", config().toString(), "--input", csv.toString(), "--reason", "ticket OPS-1");

        // then both are purged, but the run fails restartably in verifyPurge, naming Keycloak and the error: a check
        // that could not be made is not "nothing left"
        assertThat(exit).isEqualTo(1);
        long execution = latestExecution();
        long run = runOf(execution);
        assertThat(state(run, purged.get(0))).isEqualTo("PURGED");
        assertThat(state(run, purged.get(1))).isEqualTo("PURGED");
        assertThat(jdbc.queryForObject("SELECT status || ' ' || exit_code FROM purge.batch_step_execution WHERE"
                + " job_execution_id = ? AND step_name = 'verifyPurge'", String.class, execution))
                .isEqualTo("FAILED FAILED");
        assertThat(output.getAll()).contains("the verification could not check 2 purged account(s) in "
                + ReferenceTenant.REALM + " (HTTP 503)");
        // and the verify command, asked meanwhile, says the verification is incomplete
        assertThat(cli("verify", "--config", config().toString(), "--execution", String.valueOf(execution)))
                .isEqualTo(1);
        assertThat(output.getAll()).contains("Verification of run " + run + " is incomplete: keycloak: the"
                + " verification could not check 2 purged account(s)");

        // when Keycloak answers again and the run is restarted, then the verification is made and the run completes
        keycloak.heal();
        assertThat(cli("restart", "--config", config().toString(), "--execution", String.valueOf(execution)))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.residue WHERE run_id = ?", Long.class, run))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT status FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name = 'verifyPurge'", String.class, latestExecution())).isEqualTo("COMPLETED");
    }

    @Test
    void orphansAreDocumentsAndRealmUsersWithoutAnAccountAndArePurgedOnRequest(CapturedOutput output) throws Exception {
        // given leftovers of a manual deletion: documents and a realm user of accounts the database does not have
        String gone = UUID.randomUUID().toString();
        String goneToo = UUID.randomUUID().toString();
        try (SeedIndexes es = new SeedIndexes(stack.elasticsearchUrl())) {
            es.bulkIndex("user", List.of(Map.of("_id", gone, "userName", "x")));
            es.bulkIndex("usernotes", List.of(Map.of("_id", UUID.randomUUID().toString(), "userId", goneToo)));
            es.refresh("user");
            es.refresh("usernotes");
        }
        try (KeycloakRealmSetup admin = admin()) {
            admin.importUsers(ReferenceTenant.REALM, List.of(new KeycloakUserSpec(gone, "left-behind", null, null,
                    null, true, Map.of(), List.of(), List.of()), new KeycloakUserSpec(UUID.randomUUID().toString(),
                    "staff-without-account", null, null, null, true, Map.of(),
                    List.of(ReferenceTenant.KC_ROLE_PLATFORM_ADMIN), List.of())));
        }
        // (a platform admin with no account is staff, not an orphan; nor is the purge client's service account)
        long realmUsers = manifest.keycloakUsers() + 2;

        // when orphans are looked for, then exactly those are reported, and nothing is removed
        assertThat(cli("orphans", "--config", config().toString())).isZero();
        assertThat(output.getAll()).contains("Orphans (their account is not in the database): {elasticsearch user=1,"
                + " elasticsearch usernotes=1, keycloak " + ReferenceTenant.REALM + "=1}");
        Matcher csv = Pattern.compile("Orphans CSV: (\\S+)").matcher(output.getAll());
        assertThat(csv.find()).isTrue();
        assertThat(Files.readString(Path.of(csv.group(1)))).contains("user,elasticsearch,user," + gone)
                .contains("user,elasticsearch,usernotes," + goneToo).contains("user,keycloak," + ReferenceTenant.REALM
                + "," + gone);
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.countUsers(ReferenceTenant.REALM)).isEqualTo(realmUsers);
        }

        // when they are purged, then they are gone, logged under run 0, and nobody else was touched
        String before = output.getAll();
        assertThat(cli("orphans", "--config", config().toString(), "--purge")).isZero();
        assertThat(output.getAll().substring(before.length())).contains("Removed orphans");
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = 0 AND action = 'DELETED' AND account_id IN"
                + " ('" + gone + "', '" + goneToo + "')")).isEqualTo(3);
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.countUsers(ReferenceTenant.REALM)).isEqualTo(realmUsers - 1);
            assertThat(admin.userExists(ReferenceTenant.REALM, gone)).isFalse();
        }
        before = output.getAll();
        assertThat(cli("orphans", "--config", config().toString())).isZero();
        assertThat(output.getAll().substring(before.length()))
                .contains("Orphans (their account is not in the database): none");
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
    }

    @Test
    @Tag("proof")
    void aCutDatabaseConnectionFailsTheRunNamingTheDatabaseAndARestartFinishes(CapturedOutput output) throws Exception {
        // given a purge in its own process, inside its first chunk (rows deleted, transaction open), held at Keycloak
        Path config = config("timeout: 30s", "timeout: 300s");
        Path csv = cleanupCsv();
        keycloak.hangAfter(KC_USER_DELETE, 0);
        Process purge = purgeProcess(config, csv, "cut-database.log");
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as("the purge reached Keycloak").isTrue();
            long execution = latestExecution();

            // when the database cuts the chunk's connection, and Keycloak answers again
            // (the chunk's thread may still be writing the step log while Keycloak hangs: wait until it is idle)
            List<Boolean> cut = List.of();
            for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); cut.isEmpty()
                    && System.nanoTime() < end; Thread.sleep(50)) {
                cut = jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state ="
                        + " 'idle in transaction' AND application_name LIKE ?", Boolean.class,
                        "account-purge pid " + purge.pid() + "@%");
            }
            assertThat(cut).isNotEmpty().allMatch(Boolean.TRUE::equals);
            keycloak.heal();

            // then the run fails restartably, naming the database; nothing of the chunk is deleted in the database
            assertThat(purge.waitFor(3, TimeUnit.MINUTES)).isTrue();
            String log = Files.readString(Path.of("target", "cut-database.log"));
            assertThat(purge.exitValue()).as(log).isEqualTo(1);
            assertThat(log).contains("postgres failed on * for").contains("to finish it:");
            long run = runOf(execution);
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'"))
                    .isZero();
            assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);

            // when the printed restart command is run, then the run completes (the chunk whose rollback could not
            // reach the database, which Spring Batch leaves UNKNOWN, is redone)
            Matcher printed = PRINTED_RESTART.matcher(log);
            assertThat(printed.find()).isTrue();
            assertThat(cli(printed.group(1).trim().split(" "))).isZero();
            assertThat(output.getAll()).contains("ended with an unknown outcome");
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PENDING'"))
                    .isZero();
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'FAILED'"))
                    .isZero();
        } finally {
            purge.destroyForcibly();
        }
    }

    @Test
    @TenantUntouched
    void aRetentionQueryCannotWrite(CapturedOutput output) throws Exception {
        // given a table a retention query tries to write into
        jdbc.execute("CREATE TABLE probe (n int)");
        try {
            Path csv = cleanupCsv();
            // when a rule commits and then inserts, then the configuration is refused: one statement only
            Path sneaky = config("  retention:\n", "  retention:\n    - name: sneaky\n      applies-to: user\n"
                    + "      sql: SELECT id FROM users WHERE id = ANY(:ids); COMMIT; INSERT INTO probe VALUES (1); COMMIT\n");
            assertThat(cli("purge", "--config", sneaky.toString(), "--input", csv.toString(), "--dry-run"))
                    .isEqualTo(2);
            assertThat(output.getAll()).containsPattern("purge\\.retention\\[0\\]\\.sql: the sql must be exactly one"
                    + " statement.*yml\\] - [0-9]+:[0-9]+\\)");

            // when one statement writes (a data-modifying WITH), then the read-only session refuses it
            Path writing = config("  retention:\n", "  retention:\n    - name: writing\n      applies-to: user\n"
                    + "      sql: WITH w AS (INSERT INTO probe VALUES (2) RETURNING n) SELECT id FROM users WHERE"
                    + " id = ANY(:ids)\n");
            assertThat(cli("purge", "--config", writing.toString(), "--input", csv.toString(), "--dry-run"))
                    .isEqualTo(2);
            assertThat(output.getAll()).contains("purge.retention writing: the sql does not run",
                    "read-only transaction");

            // then nothing was written, and no execution was recorded for either
            assertThat(count("SELECT count(*) FROM probe")).isZero();
        } finally {
            jdbc.execute("DROP TABLE probe");
        }
    }

    @Test
    @TenantUntouched
    void configurationErrorsSayWhatIsWrongWithoutAStackTrace(CapturedOutput output) throws Exception {
        Path csv = cleanupCsv();
        long executions = executions();

        // when PURGE_PG_URL is not set, then it is named, with the key that needs it
        Map<String, Object> noDatabase = new HashMap<>(properties());
        noDatabase.remove("PURGE_PG_URL");
        assertThat(Main.execute(new String[] {"purge", "--config", config().toString(), "--input", csv.toString(), "--reason", "ticket OPS-1"},
                noDatabase)).isEqualTo(2);
        assertThat(output.getAll()).contains("PURGE_PG_URL is not set (spring.datasource.url refers to it");

        // when a value is wrong, then its key and the problem are named
        Path wrong = config("chunk-size: 10", "chunk-size: 0");
        assertThat(cli("purge", "--config", wrong.toString(), "--input", csv.toString(), "--reason", "ticket OPS-1")).isEqualTo(2);
        assertThat(output.getAll()).contains("purge.job.chunk-size: must be greater than or equal to 1");

        // when an index is matched by a text field (analysed: no search finds an id in it), then the preflight says so
        Path textField = config("{ name: usernotes, applies-to: user, match: field, field: userId }",
                "{ name: usernotes, applies-to: user, match: field, field: title }");
        assertThat(cli("purge", "--config", textField.toString(), "--input", csv.toString(), "--reason",
                "ticket OPS-1")).isEqualTo(2);
        assertThat(output.getAll()).contains("purge.elasticsearch.indexes[usernotes].field: field title of index"
                + " usernotes is analysed text");

        // when the configuration says the search server is OpenSearch and Elasticsearch answers, then it is refused,
        // named with its version
        Path otherEngine = config("url: ${PURGE_ES_URL}", "url: ${PURGE_ES_URL}\n    engine: opensearch");
        assertThat(cli("purge", "--config", otherEngine.toString(), "--input", csv.toString(), "--reason",
                "ticket OPS-1")).isEqualTo(2);
        assertThat(output.getAll()).contains("Search server at purge.elasticsearch.url: Elasticsearch 8.19.21"
                + " (detected from its X-Elastic-Product header; purge.elasticsearch.engine: opensearch)")
                .contains("purge.elasticsearch.engine is opensearch, but the server at purge.elasticsearch.url is"
                + " Elasticsearch 8.19.21");

        // when the Keycloak client secret is wrong, then it says so before any execution is recorded
        Map<String, Object> wrongSecret = new HashMap<>(properties());
        wrongSecret.put("PURGE_KC_CLIENT_SECRET", "not-the-secret");
        assertThat(Main.execute(new String[] {"purge", "--config", config().toString(), "--input", csv.toString(), "--reason", "ticket OPS-1"},
                wrongSecret)).isEqualTo(2);
        assertThat(output.getAll()).contains("unauthorized client / wrong secret");

        // and no stack trace was printed, no execution recorded, nothing touched
        assertThat(output.getAll()).doesNotContain("\tat org.").doesNotContain("Exception:");
        assertThat(executions()).isEqualTo(executions);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
    }

    @Test
    void aRunStoppedFromAnotherProcessIsRestartedToCompletion(CapturedOutput output) throws Exception {
        // given a purge stopped by `stop` from another process after its first chunk
        Path config = config("timeout: 30s", "timeout: 300s");
        Path csv = cleanupCsv();
        long execution = stoppedFromAnotherProcess(config, csv, output);
        long run = runOf(execution);
        long pending = count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND kind = 'user' AND"
                + " state = 'PENDING'");
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'"))
                .isEqualTo(10);
        assertThat(pending).isPositive();

        // when it is restarted
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();

        // then the same run completes: nothing pending (users nor orgs), every user left pending purged or not found,
        // each once
        assertThat(latestRun()).isEqualTo(run);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PENDING'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND kind = 'user' AND state"
                + " IN ('PURGED', 'NOT_FOUND')")).isEqualTo(10 + pending);
        assertThat(count("SELECT count(*) FROM (SELECT account_id FROM purge.step_log WHERE run_id = " + run
                + " AND store = 'postgres' AND target = 'users' AND action = 'DELETED' GROUP BY 1 HAVING count(*) > 1)"
                + " d")).as("no account deleted twice").isZero();
        assertThat(jdbc.queryForObject("SELECT status FROM purge.batch_job_execution WHERE job_execution_id = ?",
                String.class, latestExecution())).isEqualTo("COMPLETED");
    }

    // --- helpers ---

    /**
     * Runs a purge in its own process, holds it inside its first chunk at Keycloak, asks it to stop with `stop` from
     * this process, lets Keycloak answer again, and waits until it ended STOPPED; returns its execution.
     */
    long stoppedFromAnotherProcess(Path config, Path csv, CapturedOutput output) throws Exception {
        keycloak.hangAfter(KC_USER_DELETE, 0);
        Process purge = purgeProcess(config, csv, "stopped.log");
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as("the purge reached Keycloak").isTrue();
            long execution = latestExecution();
            // (asked with a copy of the configuration elsewhere: the restart it prints names the run's own file)
            Path copy = Files.copy(config, Files.createDirectories(dir.resolve("copy-" + execution)).resolve("c.yml"));
            assertThat(cli("stop", "--config", copy.toString(), "--execution", String.valueOf(execution)))
                    .isZero();
            assertThat(output.getAll()).contains("Execution " + execution + " is asked to stop")
                    .contains("restart --config " + config.toAbsolutePath() + " --execution " + execution);
            keycloak.heal();
            assertThat(purge.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(Files.readString(Path.of("target", "stopped.log"))).contains("stopped on request");
            return execution;
        } finally {
            purge.destroyForcibly();
        }
    }

    int cli(String... argv) throws Exception {
        return Main.execute(argv, properties());
    }

    int cliUnchecked(String... argv) {
        try {
            return cli(argv);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The local Keycloak's admin, to look at the realm as it is. */
    static KeycloakRealmSetup admin() {
        return new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(), stack.keycloakAdminPassword(),
                Duration.ofSeconds(30));
    }

    Map<String, Object> properties() {
        return proxied.properties(SECRET);
    }

    /** The reference configuration with chunks of 10, reports under target, and the given text replacements. */
    Path config(String... replacements) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("chunk-size: 100", "chunk-size: 10")
                .replace("report-directory: target/purge-reports", "report-directory: target/purge-reports-test");
        for (int i = 0; i + 1 < replacements.length; i += 2) {
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        Path file = dir.resolve("job-" + UUID.randomUUID().toString().substring(0, 8) + ".yml");
        return Files.writeString(file, yaml);
    }

    /** 3 s timeouts, and Keycloak paced (20 calls/s) so that a purge of the cleanup CSV runs for a while. */
    Path pacedConfig() throws Exception {
        return config("timeout: 30s", "timeout: 3s\n    max-calls-per-second: 20",
                "request-timeout: 60s", "request-timeout: 3s");
    }

    /** Waits until the purge process has created its execution and purged 20 accounts; returns its run. */
    static long awaitPurged(Process purge, Path log, long executionsBefore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (executions() == executionsBefore || count("SELECT count(*) FROM purge.candidate WHERE run_id = "
                + latestRun() + " AND state = 'PURGED'") < 20) {
            assertThat(purge.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("20 accounts purged within 3 minutes").isLessThan(deadline);
            Thread.sleep(50);
        }
        return latestRun();
    }

    Process purgeProcess(Path config, Path csv, String logName) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.cli.Main", "purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "ticket OPS-1");
        properties().forEach((k, v) -> pb.environment().put(k, v.toString()));
        Files.createDirectories(Path.of("target"));
        return pb.redirectErrorStream(true).redirectOutput(Path.of("target", logName).toFile()).start();
    }

    /** The seed's cleanup CSV, made unique to this test by an ignored header column (a run is keyed by its file). */
    Path cleanupCsv() throws Exception {
        return write("cleanup.csv", SeedCommand.sampleCsv(tenant.legacyCleanupRows())
                .replaceFirst("account_id,kind", "account_id,kind,batch_" + UUID.randomUUID().toString().substring(0, 8)));
    }

    Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    List<String> unretainedNeverLoggedIn() {
        List<String> ids = new ArrayList<>(manifest.userIds().get("neverLoggedIn"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff", "groupOwners")) {
            ids.removeAll(manifest.userIds().get(kind));
        }
        tenant.tables().get("group_member").rows().forEach(m -> ids.remove(m[1].toString()));
        return ids;
    }

    static long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    static long executions() throws Exception {
        try (Connection c = SeedCommand.dataSource(stack).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('purge.batch_job_execution') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1) ? count("SELECT count(*) FROM purge.batch_job_execution") : 0;
        }
    }

    static long latestExecution() {
        return count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
    }

    static long latestRun() {
        return count("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id = "
                + latestExecution());
    }

    static long runOf(long execution) {
        return count("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id = " + execution);
    }

    static String state(long run, String id) {
        return jdbc.queryForObject("SELECT state FROM purge.candidate WHERE run_id = ? AND account_id = ?",
                String.class, run, id);
    }

    /** SHA-256 of a text as the input check prints it. */
    static final class CsvCandidateSha {
        static String of(String text) throws Exception {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }
}
