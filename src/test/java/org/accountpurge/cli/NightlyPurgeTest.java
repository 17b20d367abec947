package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.accountpurge.retention.ActivityCheck;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.support.FlakyHttpProxy;
import org.accountpurge.support.ProxiedStack;
import org.accountpurge.support.TenantUntouched;
import org.accountpurge.support.RealStackExtension;
import org.accountpurge.support.RealStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The nightly inactivity purge ({@code nightly}, {@code jobs-config/nightly-inactive.yml}) on the real stack, through
 * the command line: the selection, the dry run, the activity veto for a user who logs in through Keycloak and one
 * whose last-login column moves between selection and purge, one real run per date.
 */
@RealStack(users = NightlyPurgeTest.USERS, orgs = NightlyPurgeTest.ORGS, seed = NightlyPurgeTest.SEED)
@ExtendWith(OutputCaptureExtension.class)
class NightlyPurgeTest {

    static final int USERS = 300;
    static final int ORGS = 20;
    static final long SEED = 23;
    static final String SECRET = RealStackExtension.SECRET;
    static final String KC_USER_DELETE = "DELETE /admin/realms/[^/]+/users/[^/]+";
    static final String SELECTED = "SELECT id::text FROM users WHERE (last_login_at IS NULL AND created_at < ?)"
            + " OR last_login_at < ?";

    static ProxiedStack proxied;
    static StackEndpoints stack;
    static FlakyHttpProxy keycloak;
    static JdbcTemplate jdbc;

    @TempDir
    Path dir;

    @BeforeAll
    static void stack(ProxiedStack proxiedStack) {
        proxied = proxiedStack;
        stack = proxied.stack();
        keycloak = proxied.keycloak();
        jdbc = proxied.jdbc();
    }

    @Test
    void theInactiveArePurgedAndWhoeverCameBackBeforeTheirChunkIsKept(CapturedOutput output) throws Exception {
        // given the users the reference selection selects on the run date, as the database has them now
        LocalDate runDate = LocalDate.parse("2026-11-20");
        Set<String> selected = selected(runDate);
        assertThat(selected).hasSizeGreaterThan(50);

        // when the nightly purge of that date runs dry, then it purges nothing and says how many it would
        assertThat(cli("nightly", "--config", config().toString(), "--run-date", runDate.toString(), "--dry-run"))
                .isZero();
        long dryRun = latestRun();
        Set<String> wouldPurge = ids(dryRun, "user", "PENDING");
        assertThat(wouldPurge).isNotEmpty().isSubsetOf(selected);
        assertThat(ids(dryRun, "user", "RETAINED")).isNotEmpty();
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);

        // when the real run is held at its first Keycloak user delete, and meanwhile two users it would purge in a later
        // chunk come back: one logs in through Keycloak, the other's last-login column is updated by the platform
        // (the last ids: the purge takes its candidates in id order; only an enabled user can log in)
        List<String> later = new ArrayList<>(wouldPurge);
        later.sort(java.util.Comparator.reverseOrder());
        String loggedIn;
        Map<String, Object> loggedInBefore;
        Map<String, Object> columnMovedBefore;
        try (KeycloakRealmSetup admin = admin()) {
            loggedIn = later.stream().filter(id -> Boolean.TRUE.equals(admin.describeUser(ReferenceTenant.REALM, id)
                    .get("enabled"))).findFirst().orElseThrow();
            later.remove(loggedIn);
            loggedInBefore = admin.describeUser(ReferenceTenant.REALM, loggedIn);
            columnMovedBefore = admin.describeUser(ReferenceTenant.REALM, later.get(0));
        }
        String columnMoved = later.get(0);
        keycloak.hangAfter(KC_USER_DELETE, 0);
        Process nightly = nightlyProcess(runDate);
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as(log()).isTrue();
            try (KeycloakRealmSetup admin = admin()) {
                admin.logIn(ReferenceTenant.REALM, loggedIn, stack.keycloakUrl());
            }
            jdbc.update("UPDATE users SET last_login_at = now() WHERE id = ?::uuid", columnMoved);
            keycloak.heal();

            // then the run completes, and both are kept as active-again, untouched
            assertThat(nightly.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(nightly.exitValue()).as(log()).isZero();
        } finally {
            nightly.destroyForcibly();
        }
        long run = latestRun();
        assertThat(reasons(run, loggedIn)).containsExactly(ActivityCheck.ACTIVE_AGAIN);
        assertThat(reasons(run, columnMoved)).containsExactly(ActivityCheck.ACTIVE_AGAIN);
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.describeUser(ReferenceTenant.REALM, loggedIn)).isEqualTo(loggedInBefore);
            assertThat(admin.describeUser(ReferenceTenant.REALM, columnMoved)).isEqualTo(columnMovedBefore);
        }
        assertThat(count("SELECT count(*) FROM users WHERE id IN ('" + loggedIn + "', '" + columnMoved + "')"))
                .isEqualTo(2);

        // and exactly the dry run's accounts but those two are purged: gone from the database and the realm
        Set<String> purged = ids(run, "user", "PURGED");
        Set<String> expected = new HashSet<>(wouldPurge);
        expected.removeAll(Set.of(loggedIn, columnMoved));
        assertThat(purged).isEqualTo(expected);
        assertThat(ids(run, "user", "RETAINED")).isEqualTo(union(ids(dryRun, "user", "RETAINED"),
                Set.of(loggedIn, columnMoved)));
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS - purged.size());
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(purged.stream().filter(id -> admin.userExists(ReferenceTenant.REALM, id))).isEmpty();
        }
        assertThat(output.getAll()).doesNotContain("@mail.example.org");

        // when the same date is launched again, then it is refused: one real run per date
        String before = output.getAll();
        assertThat(cli("nightly", "--config", config().toString(), "--run-date", runDate.toString())).isEqualTo(3);
        assertThat(output.getAll().substring(before.length())).contains("purge of " + runDate + " already ran");
    }

    @Test
    void theBlastRadiusGuardStopsTheRunBeforeAnyDeletionAndAnOverrideIsRecorded(CapturedOutput output)
            throws Exception {
        // given a guard of at most 50 user candidates and 20 % of the users
        Path config = Files.writeString(dir.resolve("guarded.yml"), Files.readString(config())
                .replace("\n  job:\n", "\n  guard:\n    max-accounts: 50\n    max-share: 0.2\n  job:\n"));
        LocalDate runDate = LocalDate.parse("2026-11-21");
        int selected = selected(runDate).size();
        long realmUsers;
        try (KeycloakRealmSetup admin = admin()) {
            realmUsers = admin.countUsers(ReferenceTenant.REALM);
        }

        // when the nightly purge runs, then it fails before anything is deleted, saying by how much
        assertThat(cli("nightly", "--config", config.toString(), "--run-date", runDate.toString())).isEqualTo(1);
        assertThat(output.getAll()).contains("blast-radius guard: " + selected + " user candidates exceed"
                + " purge.guard.max-accounts 50 by " + (selected - 50))
                .contains(selected + " of " + USERS + " user accounts in scope").contains("max-share 20.0% (60)")
                .contains("candidates are counted before retention");
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.countUsers(ReferenceTenant.REALM)).isEqualTo(realmUsers);
        }
        long run = latestRun();
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run)).isZero();

        // when the printed restart is run with --override-guard, then the run completes and the override is recorded
        java.util.regex.Matcher printed = java.util.regex.Pattern
                .compile("java -jar \\S+ (restart --config \\S+ --execution \\d+)").matcher(output.getAll());
        assertThat(printed.find()).isTrue();
        List<String> restart = new ArrayList<>(List.of(printed.group(1).split(" ")));
        restart.add("--override-guard");
        assertThat(cli(restart.toArray(String[]::new))).isZero();
        assertThat(output.getAll()).contains("blast-radius guard overridden (--override-guard) at execution");
        assertThat(count("SELECT count(*) FROM purge.guard_override WHERE run_id = " + run + " AND kind = 'user'"
                + " AND candidates = " + selected)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PENDING'"))
                .isZero();
    }

    @Test
    void twoLaunchesOfTheSameNightAtOnceOnePurgesTheOtherIsRefused() throws Exception {
        // given two processes launching the same night's purge at the same moment
        LocalDate runDate = LocalDate.parse("2026-11-22");
        Process first = nightlyProcess(runDate, "nightly-first.log");
        Process second = nightlyProcess(runDate, "nightly-second.log");
        try {
            // when both end
            assertThat(first.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();

            // then one purged and the other was refused (the lock while it ran, or the completed run after)
            assertThat(List.of(first.exitValue(), second.exitValue())).as(log("nightly-first.log")
                    + log("nightly-second.log")).containsExactlyInAnyOrder(0, 3);
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
        }
        assertThat(count("SELECT count(DISTINCT e.job_instance_id) FROM purge.batch_job_execution e JOIN"
                + " purge.batch_job_execution_params p USING (job_execution_id) WHERE p.parameter_name = 'run.date'"
                + " AND p.parameter_value = '" + runDate + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + latestRun() + " AND state ="
                + " 'PENDING'")).isZero();
    }

    @Test
    void theWindowStopsTheRunBetweenChunksAndTheNextNightResumesItFirst(CapturedOutput output) throws Exception {
        // given a window that closes 40 s from now, and a nightly purge held at its first Keycloak user delete
        java.time.LocalTime closes = java.time.LocalTime.now(ZoneOffset.UTC).plusSeconds(40).withNano(0);
        Path config = Files.writeString(dir.resolve("window.yml"), Files.readString(config())
                .replace("\n  job:\n", "\n  job:\n    window: { closes-at: \"" + closes + "\", zone: UTC,"
                        + " next-night: resume }\n"));
        LocalDate night = LocalDate.parse("2026-11-23");
        keycloak.hangAfter(KC_USER_DELETE, 0);
        Process nightly = nightlyProcess(night, "window.log", config);
        long run;
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as(log("window.log")).isTrue();
            run = latestRun();

            // when the window closes while the chunk is held, and then Keycloak answers
            while (!java.time.LocalTime.now(ZoneOffset.UTC).isAfter(closes.plusSeconds(1))) {
                Thread.sleep(200);
            }
            keycloak.heal();

            // then the run stops after that chunk: STOPPED, exit code 5, the chunk whole, the rest pending
            assertThat(nightly.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(nightly.exitValue()).as(log("window.log")).isEqualTo(5);
        } finally {
            nightly.destroyForcibly();
        }
        assertThat(log("window.log")).contains("stopped: the run's window closed at " + closes + " UTC");
        assertThat(ids(run, "user", "PURGED")).hasSize(10);
        assertThat(ids(run, "user", "PENDING")).isNotEmpty();
        assertThat(count("SELECT count(*) FROM purge.batch_job_execution WHERE job_instance_id = " + run
                + " AND status = 'STOPPED'")).isEqualTo(1);

        // when the next night's purge is launched (after closing time: its window is open until tomorrow's)
        assertThat(cli("nightly", "--config", config.toString(), "--run-date", night.plusDays(1).toString()))
                .isZero();

        // then it first resumed and finished the stopped night, then ran its own
        assertThat(output.getAll()).contains("Resuming the selection nightly-inactive of " + night
                + " run that was stopped");
        assertThat(ids(run, "user", "PENDING")).isEmpty();
        assertThat(latestRun()).isNotEqualTo(run);
        assertThat(count("SELECT count(*) FROM purge.batch_job_execution WHERE job_instance_id = " + latestRun()
                + " AND status = 'COMPLETED'")).isEqualTo(1);
    }

    @Test
    void aSigtermStopsTheRunAfterItsChunkAndANextNightThatStartsFreshAbandonsIt(CapturedOutput output)
            throws Exception {
        // given a nightly purge held at its first Keycloak user delete
        LocalDate night = LocalDate.parse("2026-10-10");
        keycloak.hangAfter(KC_USER_DELETE, 0);
        Process nightly = nightlyProcess(night, "sigterm.log");
        long run;
        try {
            assertThat(keycloak.awaitHanging(Duration.ofMinutes(3))).as(log("sigterm.log")).isTrue();
            run = latestRun();

            // when the process gets SIGTERM (a pod evicted, an operator's kill), and Keycloak answers again
            nightly.destroy();
            Thread.sleep(2000);
            keycloak.heal();

            // then it ends once the chunk in progress is done: STOPPED, that chunk whole, the rest pending
            assertThat(nightly.waitFor(3, TimeUnit.MINUTES)).isTrue();
        } finally {
            nightly.destroyForcibly();
        }
        assertThat(log("sigterm.log")).contains("SIGTERM: execution(s) [").contains("stop after the chunk");
        assertThat(count("SELECT count(*) FROM purge.batch_job_execution WHERE job_instance_id = " + run
                + " AND status = 'STOPPED'")).as(log("sigterm.log")).isEqualTo(1);
        assertThat(ids(run, "user", "PURGED")).hasSize(10);
        assertThat(ids(run, "user", "PENDING")).isNotEmpty();
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND action = 'STARTED' AND"
                + " account_id NOT IN (SELECT account_id FROM purge.candidate WHERE run_id = " + run + " AND state ="
                + " 'PURGED')")).as("no account of a chunk that was not done was started").isZero();

        // when the next night's purge runs with a window that says "fresh" (resuming is the default, see the window
        // test), then the stopped night is abandoned and tonight's selection takes its remaining accounts
        Set<String> left = ids(run, "user", "PENDING");
        Path fresh = Files.writeString(dir.resolve("fresh.yml"), Files.readString(config()).replace("\n  job:\n",
                "\n  job:\n    window: { closes-at: \"" + java.time.LocalTime.now(ZoneOffset.UTC).minusHours(1)
                        .withNano(0) + "\", zone: UTC, next-night: fresh }\n"));
        assertThat(cli("nightly", "--config", fresh.toString(), "--run-date", night.plusDays(1).toString()))
                .isZero();
        assertThat(output.getAll()).contains("is abandoned (purge.job.window.next-night: fresh)");
        assertThat(count("SELECT count(*) FROM purge.batch_job_execution WHERE job_instance_id = " + run
                + " AND status = 'ABANDONED'")).isEqualTo(1);
        assertThat(ids(latestRun(), "user", "PURGED")).containsAll(left);
    }

    @Test
    void theScheduleRunsTheNightOnceAndEndsCleanlyOnSigterm() throws Exception {
        // given the schedule command with a cron firing every 4 seconds
        Path config = Files.writeString(dir.resolve("scheduled.yml"), Files.readString(config())
                .replace("\n  job:\n", "\n  schedule: { cron: \"*/4 * * * * *\", zone: UTC }\n  job:\n"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.cli.Main", "schedule", "--config", config.toString());
        properties().forEach((k, v) -> pb.environment().put(k, v.toString()));
        pb.environment().put("SERVER_PORT", "0"); // its metrics endpoint on a free port
        Process schedule = pb.redirectErrorStream(true).redirectOutput(Path.of("target", "schedule.log").toFile())
                .start();
        try {
            // when it has run the night's purge and a later firing found that night done
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            while (!log("schedule.log").contains("ended with exit code 3")) {
                assertThat(schedule.isAlive()).as(log("schedule.log")).isTrue();
                assertThat(System.nanoTime()).as(log("schedule.log")).isLessThan(deadline);
                Thread.sleep(500);
            }

            // then while it lives it serves the counters of the night's run and Spring Batch's metrics to Prometheus
            Matcher endpoint = Pattern.compile("Metrics: (http://\\S+/actuator/"
                    + "prometheus)").matcher(log("schedule.log"));
            assertThat(endpoint.find()).as(log("schedule.log")).isTrue();
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(endpoint.group(1))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).containsPattern("account_purge_outcomes_total\\{[^}]*outcome=\"deleted\""
                    + "[^}]*store=\"postgres\",target=\"users\"[^}]*} [1-9]").contains("spring_batch_job");

            // and SIGTERM ends it cleanly
            schedule.destroy();
            assertThat(schedule.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            schedule.destroyForcibly();
        }
        String text = log("schedule.log");
        assertThat(text).contains("ended with exit code 0").contains("already ran").contains("Stopped (SIGTERM)");
        // and a night's run, counting into the schedule's registry, registers nothing twice (no warning about it)
        assertThat(text).doesNotContain("has been already registered");
        // and each night it ran has exactly one real run, completed
        assertThat(count("SELECT count(*) FROM (SELECT p.parameter_value FROM purge.batch_job_execution e JOIN"
                + " purge.batch_job_execution_params p USING (job_execution_id) WHERE p.parameter_name = 'run.date'"
                + " AND p.parameter_value >= '" + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "' GROUP BY 1 HAVING"
                + " count(DISTINCT e.job_instance_id) <> 1) d")).isZero();
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + latestRun() + " AND state ="
                + " 'PENDING'")).isZero();
    }

    @Test
    void theGraceLifecycleWarnsThenDisablesThenPurgesAndAReEnabledOrActiveUserIsLeftAlone(CapturedOutput output)
            throws Exception {
        // given a grace lifecycle (disable 14 days after the warning, purge 30 days after that) whose notices go to
        // an outbox table of the platform and by mail, through an SMTP server in this JVM
        jdbc.execute("CREATE TABLE notice_outbox (account_id uuid NOT NULL, disable_on date, purge_on date)");
        com.icegreen.greenmail.util.GreenMail smtp = new com.icegreen.greenmail.util.GreenMail(
                com.icegreen.greenmail.util.ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        Path config = Files.writeString(dir.resolve("lifecycle.yml"), Files.readString(config())
                .replace("\nspring:\n", "\nspring:\n  mail:\n    host: 127.0.0.1\n    port: "
                        + smtp.getSmtp().getPort() + "\n")
                .replace("\n    name: nightly-inactive\n", "\n    name: nightly-grace\n    lifecycle:\n"
                        + "      disable-after: 14d\n      purge-after: 30d\n      notice-sql: INSERT INTO"
                        + " notice_outbox (account_id, disable_on, purge_on) VALUES (CAST(:account_id AS uuid),"
                        + " :disable_on, :purge_on)\n      mail:\n        from: noreply@portal.example.org\n"
                        + "        subject: Your account will be disabled on {disable_on}\n"
                        + "        text: Sign in before {disable_on} to keep it; otherwise it is deleted on"
                        + " {purge_on}.\n        email-sql: SELECT id, email FROM users WHERE id = ANY(:ids)\n"));
        LocalDate warnDay = LocalDate.parse("2026-09-01");
        Map<String, String> realmBefore;
        try (KeycloakRealmSetup admin = admin()) {
            realmBefore = admin.allUsers(ReferenceTenant.REALM);
        }

        // when the first night runs, then the selected users are warned: a notice each, nothing else changes
        assertThat(cli("nightly", "--config", config.toString(), "--run-date", warnDay.toString())).isZero();
        long first = latestRun();
        Set<String> warned = ids(first, "user", "WARNED");
        assertThat(warned).hasSizeGreaterThan(50).isSubsetOf(selected(warnDay));
        assertThat(count("SELECT count(DISTINCT account_id) FROM notice_outbox WHERE disable_on = '2026-09-15' AND"
                + " purge_on = '2026-10-15'")).isEqualTo(warned.size());
        // and a mail to each warned user's address, with the dates; no address in the output
        jakarta.mail.internet.MimeMessage[] mails = smtp.getReceivedMessages();
        Set<String> recipients = new HashSet<>();
        for (jakarta.mail.internet.MimeMessage mail : mails) {
            assertThat(mail.getSubject()).isEqualTo("Your account will be disabled on 2026-09-15");
            assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(mail)).contains("deleted on 2026-10-15");
            recipients.add(mail.getAllRecipients()[0].toString());
        }
        assertThat(recipients).isEqualTo(new HashSet<>(jdbc.queryForList("SELECT email FROM users WHERE email IS"
                + " NOT NULL AND id::text = ANY(?)", String.class, (Object) warned.toArray(String[]::new))));
        assertThat(mails).hasSize(recipients.size());
        smtp.stop();
        assertThat(output.getAll()).doesNotContain("@mail.example.org").contains("mails sent: " + mails.length);
        assertThat(ids(first, "user", "PURGED")).isEmpty();
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.allUsers(ReferenceTenant.REALM)).isEqualTo(realmBefore);
        }

        // when the night 14 days later runs, then they are disabled in Keycloak, their data kept
        assertThat(cli("nightly", "--config", config.toString(), "--run-date", warnDay.plusDays(14).toString()))
                .isZero();
        long second = latestRun();
        assertThat(ids(second, "user", "DISABLED")).isEqualTo(warned);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
        List<String> sorted = new ArrayList<>(warned);
        sorted.sort(null);
        String reEnabled;
        String active;
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(warned.stream().map(id -> admin.describeUser(ReferenceTenant.REALM, id))
                    .filter(java.util.Objects::nonNull).filter(user -> Boolean.TRUE.equals(user.get("enabled"))))
                    .isEmpty();
            reEnabled = sorted.stream().filter(id -> admin.describeUser(ReferenceTenant.REALM, id) != null)
                    .findFirst().orElseThrow();
            active = sorted.stream().filter(id -> !id.equals(reEnabled)).findFirst().orElseThrow();
            // and meanwhile support enables one again, and another comes back (the platform's column)
            admin.enable(ReferenceTenant.REALM, reEnabled);
        }
        jdbc.update("UPDATE users SET last_login_at = now() WHERE id = ?::uuid", active);

        // when the night 30 days after that runs, then the still disabled, still inactive ones are purged
        assertThat(cli("nightly", "--config", config.toString(), "--run-date", warnDay.plusDays(44).toString()))
                .isZero();
        long third = latestRun();
        Set<String> expected = new HashSet<>(warned);
        expected.removeAll(Set.of(reEnabled, active));
        assertThat(ids(third, "user", "PURGED")).isEqualTo(expected);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS - expected.size());
        // and the re-enabled and the active one are left alone, their cycles cancelled with the reason
        assertThat(reasons(third, reEnabled)).containsExactly("re-enabled");
        assertThat(jdbc.queryForList("SELECT account_id || ' ' || state || ' ' || reason FROM purge.lifecycle WHERE"
                + " selection = 'nightly-grace' AND state = 'CANCELLED'", String.class))
                .contains(reEnabled + " CANCELLED re-enabled", active + " CANCELLED no-longer-selected");
        assertThat(count("SELECT count(*) FROM users WHERE id IN ('" + reEnabled + "', '" + active + "')"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM purge.lifecycle WHERE selection = 'nightly-grace' AND state ="
                + " 'PURGED' AND purged_on = '2026-10-15'")).isEqualTo(expected.size());
    }

    @Test
    @TenantUntouched
    void aWrongRunDateOrAConfigurationWithoutSelectionStartsNothing(CapturedOutput output) throws Exception {
        long executions = executions();
        assertThat(cli("nightly", "--config", config().toString(), "--run-date", "25/11/2026")).isEqualTo(2);
        assertThat(output.getAll()).contains("--run-date must be a date like 2026-11-25 (got '25/11/2026')");
        assertThat(cli("nightly", "--config", "jobs-config/reference-tenant.yml")).isEqualTo(2);
        assertThat(output.getAll()).contains("has no purge.selection");
        Path unknownParameter = Files.writeString(dir.resolve("bad.yml"), Files.readString(config())
                .replace("last_login_at < :last_login_before", "last_login_at < :last_login_befor"));
        assertThat(cli("nightly", "--config", unknownParameter.toString())).isEqualTo(2);
        assertThat(output.getAll()).contains("every :name in the sql must be a cutoff or a value");
        assertThat(executions()).isEqualTo(executions);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
    }

    @Test
    void aRealmThatKeepsLoginEventsTooBrieflyIsAWarningOrARefusalWhenEventsAreRequired(CapturedOutput output)
            throws Exception {
        // given a realm that keeps its events for one day, less than the 365-day inactivity window
        try (KeycloakRealmSetup admin = admin()) {
            admin.storeEvents(ReferenceTenant.REALM, true, 86_400L);
        }
        long executions = executions();

        // when a dry run starts, then preflight warns and it runs
        assertThat(cli("nightly", "--config", config().toString(), "--run-date", "2026-11-19", "--dry-run")).isZero();
        assertThat(output.getAll()).contains("Activity veto: realm " + ReferenceTenant.REALM + " keeps events for 1"
                + " days, less than the inactivity window of 365 days");

        // when the configuration demands events, then nothing starts, saying why
        Path demanding = Files.writeString(dir.resolve("require-events.yml"), Files.readString(config())
                .replace("\n    name: nightly-inactive\n", "\n    name: nightly-inactive\n    require-events: true\n"));
        String before = output.getAll();
        assertThat(cli("nightly", "--config", demanding.toString(), "--run-date", "2026-11-19")).isEqualTo(2);
        assertThat(output.getAll().substring(before.length())).contains("keeps events for 1 days")
                .contains("(purge.selection.require-events is true)");
        // and a realm that stores no events at all is refused the same way
        try (KeycloakRealmSetup admin = admin()) {
            admin.storeEvents(ReferenceTenant.REALM, false, null);
        }
        before = output.getAll();
        assertThat(cli("nightly", "--config", demanding.toString(), "--run-date", "2026-11-19")).isEqualTo(2);
        assertThat(output.getAll().substring(before.length())).contains("stores no login events");
        assertThat(executions()).isEqualTo(executions + 1);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(USERS);
    }

    // --- helpers ---

    /** The users the reference selection selects on the run date (created a year before it, last login two years). */
    static Set<String> selected(LocalDate runDate) {
        Timestamp midnight = Timestamp.from(runDate.atStartOfDay().toInstant(ZoneOffset.UTC));
        Timestamp yearBefore = Timestamp.from(midnight.toInstant().minus(Duration.ofDays(365)));
        Timestamp twoYearsBefore = Timestamp.from(midnight.toInstant().minus(Duration.ofDays(730)));
        return new HashSet<>(jdbc.queryForList(SELECTED, String.class, yearBefore, twoYearsBefore));
    }

    static Set<String> ids(long run, String kind, String state) {
        return new HashSet<>(jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND kind = ?"
                + " AND state = ?", String.class, run, kind, state));
    }

    static List<String> reasons(long run, String id) {
        return jdbc.queryForList("SELECT reason FROM purge.retention WHERE run_id = ? AND account_id = ?",
                String.class, run, id);
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    static long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    /** Executions in the job repository; 0 before the first command created it. */
    static long executions() {
        Boolean exists = jdbc.queryForObject("SELECT to_regclass('purge.batch_job_execution') IS NOT NULL",
                Boolean.class);
        return Boolean.TRUE.equals(exists) ? count("SELECT count(*) FROM purge.batch_job_execution") : 0;
    }

    static long latestRun() {
        return count("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id = (SELECT"
                + " max(job_execution_id) FROM purge.batch_job_execution)");
    }

    static KeycloakRealmSetup admin() {
        return new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(), stack.keycloakAdminPassword(),
                Duration.ofSeconds(30));
    }

    int cli(String... argv) throws Exception {
        return Main.execute(argv, properties());
    }

    Map<String, Object> properties() {
        return proxied.properties(SECRET);
    }

    /** The nightly configuration with chunks of 10, Keycloak's timeout long enough to be held, reports under target. */
    Path config() throws Exception {
        Path file = dir.resolve("nightly.yml");
        if (!Files.exists(file)) {
            Files.writeString(file, withoutGuardScheduleOrWindow(Files.readString(Path.of(
                    "jobs-config/nightly-inactive.yml"))).replace("chunk-size: 100", "chunk-size: 10").replace("timeout: 30s", "timeout: 300s")
                    .replace("report-directory: target/purge-reports", "report-directory: target/purge-reports-test"));
        }
        return file;
    }

    /**
     * The shipped nightly configuration without its guard (a test tenant of 300 users is small), schedule and window
     * (the wall clock of the machine running the tests): the tests set their own.
     */
    static String withoutGuardScheduleOrWindow(String yaml) {
        String stripped = yaml.replaceAll("\n  guard: \\{[^\n]*", "").replaceAll("\n  schedule: \\{[^\n]*", "")
                .replaceAll("\n    window: \\{[^\n]*", "");
        assertThat(stripped).doesNotContainPattern("\n\\s+(guard|schedule|window): ");
        return stripped;
    }

    Process nightlyProcess(LocalDate runDate) throws Exception {
        return nightlyProcess(runDate, "nightly.log");
    }

    Process nightlyProcess(LocalDate runDate, String logName) throws Exception {
        return nightlyProcess(runDate, logName, config());
    }

    Process nightlyProcess(LocalDate runDate, String logName, Path config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.cli.Main", "nightly", "--config", config.toString(), "--run-date",
                runDate.toString());
        properties().forEach((k, v) -> pb.environment().put(k, v.toString()));
        return pb.redirectErrorStream(true).redirectOutput(Path.of("target", logName).toFile()).start();
    }

    static String log() throws Exception {
        return log("nightly.log");
    }

    static String log(String name) throws Exception {
        Path log = Path.of("target", name);
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
