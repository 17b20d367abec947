package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.accountpurge.audit.RunSummary;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.store.TargetOutcome;
import org.accountpurge.support.FlakyHttpProxy;
import org.accountpurge.support.ProxiedStack;
import org.accountpurge.support.SeededTenant;
import org.accountpurge.support.RealStackExtension;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a hostile operator broke in a second round, through the command line on the real stack: ids and files that do
 * not exist or cannot be read, a configuration YAML cannot read, a run date ahead, printed commands that did not
 * work when pasted, a rate-limited Keycloak taken for a frozen one, and deletions whose answer never came counted as
 * "already gone". The tenant is seeded once; each test purges accounts of its own.
 */
@RealStack(seeding = RealStack.Seeding.ONCE, users = HostileOperatorTest.USERS, orgs = HostileOperatorTest.ORGS,
        seed = HostileOperatorTest.SEED)
@ExtendWith(OutputCaptureExtension.class)
class HostileOperatorTest {

    static final int USERS = 300;
    static final int ORGS = 20;
    static final long SEED = 11;
    static final String SECRET = RealStackExtension.SECRET;
    static final String KC_USER_DELETE = "DELETE /admin/realms/[^/]+/users/[^/]+";

    static ProxiedStack proxied;
    static FlakyHttpProxy keycloak;
    static JdbcTemplate jdbc;
    /** Users no retention rule keeps, handed out to the tests a few at a time. */
    static List<String> purgeable;
    static int taken;

    @TempDir
    Path dir;

    @BeforeAll
    static void seedOnce(ProxiedStack proxiedStack, SeededTenant seeded) {
        proxied = proxiedStack;
        keycloak = proxied.keycloak();
        jdbc = proxied.jdbc();
        SeedManifest manifest = seeded.manifest();
        ReferenceTenant tenant = seeded.tenant();
        List<String> ids = new ArrayList<>(manifest.userIds().get("neverLoggedIn"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff", "groupOwners")) {
            ids.removeAll(manifest.userIds().get(kind));
        }
        tenant.tables().get("group_member").rows().forEach(m -> ids.remove(m[1].toString()));
        purgeable = ids;
    }

    @Test
    void aNonexistentExecutionIsACommandLineErrorOnEveryCommandThatTakesOne(CapturedOutput output) throws Exception {
        // given a tenant whose job repository exists (a purge ran) but has no execution 999999
        Path config = config();
        cli("purge", "--config", config.toString(), "--input", csv(take(1)).toString(), "--dry-run");

        // when each command that takes --execution is given it, then each is a command-line error (exit 2) saying so,
        // without a stack trace
        for (List<String> command : List.of(List.of("status"), List.of("report"), List.of("verify"),
                List.of("failed"), List.of("stop"), List.of("restart"), List.of("abandon", "--reason", "x"),
                List.of("retry-failed"))) {
            String before = output.getAll();
            List<String> argv = new ArrayList<>(List.of(command.get(0), "--config", config.toString(), "--execution",
                    "999999"));
            argv.addAll(command.subList(1, command.size()));
            assertThat(cli(argv.toArray(String[]::new))).as(command.toString()).isEqualTo(2);
            String said = output.getAll().substring(before.length());
            assertThat(said).as(command.toString()).contains("no execution 999999 in this tenant")
                    .doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void aConfigurationYamlCannotReadIsExit2NamingFileAndLineWithoutATrace(CapturedOutput output) throws Exception {
        // given a job configuration with a key given twice, and one with a syntax error
        Path twice = Files.writeString(dir.resolve("twice.yml"), Files.readString(config())
                .replaceFirst("\npurge:\n", "\npurge:\n  job:\n    chunk-size: 5\n"));
        Path broken = Files.writeString(dir.resolve("broken.yml"), "purge:\n  roots: [ user\n");
        String text = Files.readString(twice);
        long twiceLine = text.substring(0, text.lastIndexOf("\n  job:\n") + 1).chars().filter(c -> c == '\n').count()
                + 1; // the second "job:", where YAML finds the key again

        // when a command is run with each, then it is refused (exit 2) with the file, line and column, in a few lines
        String before = output.getAll();
        assertThat(cli("status", "--config", twice.toString(), "--execution", "1")).isEqualTo(2);
        String said = output.getAll().substring(before.length());
        assertThat(said).contains(twice + ":" + twiceLine + ":3").contains("found duplicate key job")
                .doesNotContain("\tat ");
        assertThat(said.lines().count()).isLessThan(5);
        before = output.getAll();
        assertThat(cli("purge", "--config", broken.toString(), "--input", csv(List.of()).toString(), "--dry-run"))
                .isEqualTo(2);
        said = output.getAll().substring(before.length());
        assertThat(said).contains(broken + ":3:1", "is not valid YAML").doesNotContain("\tat ");
    }

    @Test
    void anInputFileThatCanNeverBeReadIsRefusedBeforeAnExecutionExists(CapturedOutput output) throws Exception {
        // given input files that are empty, lack the header, are UTF-16, are separated by semicolons, and a directory
        String id = UUID.randomUUID().toString();
        Map<String, Path> files = Map.of(
                "is empty", write("empty.csv", new byte[0]),
                "the header row (line 1) must name the columns account_id and kind", write("noheader.csv",
                        (id + ",user\n").getBytes(StandardCharsets.UTF_8)),
                "is UTF-16", write("utf16.csv", ("account_id,kind\n" + id + ",user\n")
                        .getBytes(StandardCharsets.UTF_16)),
                "the file must be comma-separated", write("semicolons.csv", ("account_id;kind\n" + id + ";user\n")
                        .getBytes(StandardCharsets.UTF_8)),
                "is a directory", Files.createDirectories(dir.resolve("a-folder")));
        long executions = executions();

        // when each is purged, then each is refused (exit 2) naming what is wrong, and no execution is created
        files.forEach((problem, file) -> {
            String before = output.getAll();
            assertThat(cli("purge", "--config", config().toString(), "--input", file.toString(), "--reason", "t"))
                    .as(problem).isEqualTo(2);
            assertThat(output.getAll().substring(before.length())).as(problem).contains(problem)
                    .doesNotContain("\tat ").doesNotContain("to finish it");
        });
        assertThat(executions()).isEqualTo(executions);
    }

    @Test
    void aRunDateAheadIsRefusedAndTheShippedNightlyExampleHasItsGuardScheduleAndWindow(CapturedOutput output)
            throws Exception {
        // when the nightly purge is given a run date ahead (every cut-off moves forward with it), then it is refused
        for (String date : List.of("9999-12-31", LocalDate.now(ZoneOffset.UTC).plusDays(2).toString())) {
            String before = output.getAll();
            assertThat(cli("nightly", "--config", "jobs-config/nightly-inactive.yml", "--run-date", date, "--dry-run"))
                    .isEqualTo(2);
            assertThat(output.getAll().substring(before.length())).contains("--run-date " + date + " is in the future");
        }

        // when the shipped nightly example is scheduled as README says, then the schedule starts (it has a schedule)
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.cli.Main", "schedule", "--config", "jobs-config/nightly-inactive.yml");
        properties().forEach((k, v) -> pb.environment().put(k, v.toString()));
        pb.environment().put("SERVER_PORT", "0");
        Path log = dir.resolve("schedule.log");
        Process schedule = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.readString(log).contains("Scheduled: the nightly purge")) {
                assertThat(schedule.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
                Thread.sleep(200);
            }
        } finally {
            schedule.destroy();
            schedule.waitFor(60, TimeUnit.SECONDS);
            schedule.destroyForcibly();
        }
        // and its guard and window are the ones README shows
        String shipped = Files.readString(Path.of("jobs-config/nightly-inactive.yml"));
        assertThat(shipped).contains("  guard: { max-accounts: 5000, max-share: 0.05 }",
                "  schedule: { cron: \"0 30 1 * * *\", zone: Asia/Kolkata }",
                "    window: { closes-at: \"05:30\", zone: Asia/Kolkata, next-night: resume }");
        String readme = Files.readString(Path.of("docs/operations.md"));
        assertThat(readme).contains("guard: { max-accounts: 5000, max-share: 0.05 }",
                "schedule: { cron: \"0 30 1 * * *\", zone: Asia/Kolkata }",
                "window: { closes-at: \"05:30\", zone: Asia/Kolkata, next-night: resume }");
    }

    @Test
    void theRestartPrintedAfterTheGuardCarriesTheRunsConfigurationAndOverrideGuardAndWorksPasted(
            CapturedOutput output) throws Exception {
        // given a guard of one account, and a CSV of three
        Path config = Files.writeString(dir.resolve("guarded.yml"), Files.readString(config())
                .replace("\n  job:\n", "\n  guard: { max-accounts: 1 }\n  job:\n"));
        Path csv = csv(take(3));

        // when it is purged, then the guard fails it and the printed restart carries --override-guard
        String before = output.getAll();
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "t"))
                .isEqualTo(1);
        long execution = latestExecution();
        String expected = "restart --config " + config.toAbsolutePath() + " --execution " + execution
                + " --override-guard";
        assertThat(output.getAll().substring(before.length())).contains("blast-radius guard: ", expected);

        // when status is asked with a copy of the configuration elsewhere, then its restart names the run's own file
        Path copy = Files.copy(config, Files.createDirectories(dir.resolve("elsewhere")).resolve("copy.yml"));
        before = output.getAll();
        assertThat(cli("status", "--config", copy.toString(), "--execution", String.valueOf(execution))).isEqualTo(1);
        String status = output.getAll().substring(before.length());
        assertThat(status).contains(expected);

        // when that command is pasted as printed, then the run completes
        Matcher printed = OperatorEdgesTest.PRINTED_RESTART.matcher(status);
        assertThat(printed.find()).isTrue();
        assertThat(printed.group(0)).startsWith("java -jar /"); // the jar by its absolute path
        before = output.getAll();
        assertThat(cli(printed.group(1).trim().split(" "))).isZero();
        assertThat(output.getAll().substring(before.length())).contains("COMPLETED", "accounts pending: 0");
    }

    @Test
    void aRateLimitedKeycloakIsNotTakenForAFrozenOne(CapturedOutput output) throws Exception {
        // given Keycloak limited to 5 calls a second, a 1 s timeout, and a chunk of 20 users (4 s of calls)
        Path config = config("timeout: 30s", "timeout: 1s\n    max-calls-per-second: 5",
                "chunk-size: 10", "chunk-size: 20");
        Path csv = csv(take(20));

        // when they are purged, then the run completes with every user deleted: no call timed out in the queue
        String before = output.getAll();
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "t")).isZero();
        assertThat(output.getAll().substring(before.length())).contains("COMPLETED");
        long execution = latestExecution();
        long run = runOf(execution);
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run
                + " AND action = 'FAILED'")).isZero();

        // and verify, paced the same, checks every purged user (no "could not check ... (timeout)")
        before = output.getAll();
        assertThat(cli("verify", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
        assertThat(output.getAll().substring(before.length()))
                .contains("nothing is left of its purged accounts where it looked").doesNotContain("timeout");
    }

    @Test
    void aDeletionWhoseAnswerNeverCameIsNotCountedAsAlreadyGone(CapturedOutput output) throws Exception {
        // given Keycloak deletes the first two users of the chunk but answers after the purge's 2 s timeout
        Path config = config("timeout: 30s", "timeout: 2s");
        List<String> users = take(4);
        Path csv = csv(users);
        keycloak.answerLate(KC_USER_DELETE, 2, Duration.ofSeconds(5));

        // when they are purged (the timed-out users are tried again and found gone), then the run completes
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "t")).isZero();
        long execution = latestExecution();
        long run = runOf(execution);

        // then the two are not "already gone" in the step log or the totals: their absence follows an attempt whose
        // answer never came
        assertThat(jdbc.queryForList("SELECT DISTINCT account_id FROM purge.step_log WHERE run_id = ? AND store ="
                + " 'keycloak' AND action = 'ABSENT' AND error_class = ?", String.class, run,
                TargetOutcome.AFTER_UNANSWERED_ATTEMPT)).hasSize(2);
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND store ="
                + " 'keycloak' AND action = 'ABSENT' AND error_class IS NULL")).isZero();
        Map<String, Long> realm = RunSummary.load(jdbc, run, execution, "COMPLETED", false, csv.toString()).stores()
                .get("keycloak").get(ReferenceTenant.REALM);
        assertThat(realm).containsEntry("deleted", 2L).containsEntry("absent_after_unanswered_attempt", 2L)
                .doesNotContainKey("absent");
    }

    @Test
    void anAccountTheDatabaseRefusesIsSaidToHaveNothingRemovedAndNothingIs(CapturedOutput output) throws Exception {
        // given a trigger that refuses the deletion of one user's row (a platform rule the purge did not know)
        List<String> users = take(2);
        String refused = users.get(0);
        jdbc.execute("CREATE OR REPLACE FUNCTION refuse_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF OLD.id::text = '" + refused + "' THEN RAISE EXCEPTION 'kept by a platform rule'; END IF;"
                + " RETURN OLD; END $$");
        jdbc.execute("CREATE TRIGGER refuse_user_delete BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION"
                + " refuse_user_delete()");
        try (org.accountpurge.seed.KeycloakRealmSetup admin = admin();
             org.accountpurge.seed.SeedIndexes indexes = new org.accountpurge.seed.SeedIndexes(
                     TestStack.endpoints().elasticsearchUrl())) {
            Map<String, Object> keycloakUser = admin.describeUser(ReferenceTenant.REALM, refused);
            assertThat(keycloakUser).isNotNull();
            long documents = indexes.countByIds("user", List.of(refused));

            // when both are purged, then the run completes with that account FAILED (exit 4)
            String before = output.getAll();
            assertThat(cli("purge", "--config", config().toString(), "--input", csv(users).toString(), "--reason",
                    "t")).isEqualTo(4);

            // then it is said to have nothing removed, and nothing is: its row, its Keycloak user as it was, documents
            assertThat(output.getAll().substring(before.length())).contains("account " + refused + " FAILED in"
                    + " postgres").contains("not purged; nothing of it was removed").doesNotContain("locked out");
            assertThat(count("SELECT count(*) FROM users WHERE id::text = '" + refused + "'")).isEqualTo(1);
            assertThat(admin.describeUser(ReferenceTenant.REALM, refused)).isEqualTo(keycloakUser); // as it was
            indexes.refresh("user");
            assertThat(indexes.countByIds("user", List.of(refused))).isEqualTo(documents);
            assertThat(admin.userExists(ReferenceTenant.REALM, users.get(1))).isFalse();
        } finally {
            jdbc.execute("DROP TRIGGER refuse_user_delete ON users");
        }
    }

    static org.accountpurge.seed.KeycloakRealmSetup admin() {
        org.accountpurge.stack.StackEndpoints stack = TestStack.endpoints();
        return new org.accountpurge.seed.KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(),
                stack.keycloakAdminPassword(), Duration.ofSeconds(60));
    }

    /** The next {@code n} purgeable users, never handed out before. */
    static synchronized List<String> take(int n) {
        assertThat(purgeable.size()).as("purgeable users left").isGreaterThanOrEqualTo(taken + n);
        List<String> ids = List.copyOf(purgeable.subList(taken, taken + n));
        taken += n;
        return ids;
    }

    Path csv(List<String> users) throws Exception {
        StringBuilder text = new StringBuilder("account_id,kind,batch_" + UUID.randomUUID().toString()
                .substring(0, 8) + "\n");
        users.forEach(id -> text.append(id).append(",user,\n"));
        return Files.writeString(dir.resolve("input-" + UUID.randomUUID().toString().substring(0, 8) + ".csv"), text);
    }

    Path write(String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The reference tenant's configuration, chunks of 10, reports under target, with these replacements. */
    Path config(String... replacements) {
        try {
            String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                    .replace("chunk-size: 100", "chunk-size: 10")
                    .replace("report-directory: target/purge-reports", "report-directory: target/purge-reports-test");
            for (int i = 0; i + 1 < replacements.length; i += 2) {
                yaml = yaml.replace(replacements[i], replacements[i + 1]);
            }
            return Files.writeString(dir.resolve("job-" + UUID.randomUUID().toString().substring(0, 8) + ".yml"),
                    yaml);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    int cli(String... argv) {
        try {
            return Main.execute(argv, properties());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> properties() {
        return proxied.properties(SECRET);
    }

    static long executions() throws Exception {
        return count("SELECT count(*) FROM purge.batch_job_execution");
    }

    static long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    static long latestExecution() {
        return count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
    }

    static long runOf(long execution) {
        return count("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id = " + execution);
    }
}
