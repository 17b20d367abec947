package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.accountpurge.seed.KeycloakUserSpec;
import org.accountpurge.seed.SeedIndexes;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.support.CaseFilesTenant;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Every word true" (issue 24): what the tool prints, records in the step log and writes to the report is what it did,
 * on a tenant unlike the reference one — the case-files schema, its Keycloak users matched through a database column,
 * and a search index whose documents name their people in a keyword field that may hold several ids — on the real
 * servers, through the command line.
 */
@ExtendWith(OutputCaptureExtension.class)
class TruthfulRecordsTest {

    static final Path CONFIG = Path.of("src/test/resources/tenants/case-files-keycloak-by-column.yml");
    static final String INDEX = "truth-cases";
    static final String SECRET = "truth-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;

    /** The case-files tenant (database {@code name}, realm {@code name}) with every person's Keycloak user. */
    private CaseFilesTenant tenant(String name) throws Exception {
        CaseFilesTenant tenant = CaseFilesTenant.create(TestStack.endpoints(), name, List.of());
        try (KeycloakRealmSetup admin = admin()) {
            admin.recreateRealm(name, List.of("case-supervisor"), List.of(), "account-purge", SECRET);
            List<KeycloakUserSpec> users = new ArrayList<>();
            tenant.keycloakIds().forEach((person, kcId) -> users.add(new KeycloakUserSpec(kcId, "user-" + person,
                    "person" + person + "@example.org", "First", "Last", true, Map.of(), List.of(), List.of())));
            admin.importUsers(name, users);
        }
        return tenant;
    }

    /** The tenant's configuration with its realm, the index matched by field and the test's report folder. */
    private Path config(String realm) throws Exception {
        String yaml = Files.readString(CONFIG).replace("realm: casefiles", "realm: " + realm)
                .replace("report-directory: target/purge-reports-test", "report-directory: " + dir.resolve("reports"));
        return Files.writeString(dir.resolve(realm + ".yml"), yaml + """
                  elasticsearch:
                    url: ${PURGE_ES_URL}
                    indexes:
                      - { name: %s, applies-to: user, match: field, field: personIds }
                """.formatted(INDEX));
    }

    private static Map<String, Object> environment(CaseFilesTenant tenant) {
        StackEndpoints stack = TestStack.endpoints();
        Map<String, Object> env = new LinkedHashMap<>(tenant.databaseProperties());
        env.put("PURGE_KC_URL", stack.keycloakUrl());
        env.put("PURGE_KC_CLIENT_SECRET", SECRET);
        env.put("PURGE_ES_URL", stack.elasticsearchUrl());
        return env;
    }

    private static KeycloakRealmSetup admin() {
        StackEndpoints stack = TestStack.endpoints();
        return new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(), stack.keycloakAdminPassword(),
                Duration.ofSeconds(60));
    }

    private JsonNode report() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("reports"))) {
            Path newest = files.filter(p -> p.getFileName().toString().equals("report.json"))
                    .max(java.util.Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow();
            return JsonMapper.builder().build().readTree(Files.readString(newest));
        }
    }

    @Test
    void anAccountWithADocumentSharedWithAnotherIsLeftWholeFailedAndRetryFailedCompletesItOnceDecided(
            CapturedOutput output) throws Exception {
        // given person 1 with two cases of its own and one shared with person 20 in the index, person 2 with one case
        CaseFilesTenant tenant = tenant("truth_shared");
        Path config = config("truth_shared");
        try (SeedIndexes seed = new SeedIndexes(TestStack.endpoints().elasticsearchUrl())) {
            seed.recreateIndex(INDEX, Map.of("personIds", "keyword"));
            seed.bulkIndex(INDEX, List.of(Map.of("_id", "own-1a", "personIds", "1"),
                    Map.of("_id", "own-1b", "personIds", "1"), Map.of("_id", "shared-1-20", "personIds", List.of("1", "20")),
                    Map.of("_id", "own-2", "personIds", "2")));
            seed.refresh(INDEX);
        }
        Path csv = Files.writeString(dir.resolve("two.csv"), "person_id,kind\n1,user\n2,user\n999,user\n");
        String keycloak1 = tenant.keycloakIds().get(1L);
        String keycloak2 = tenant.keycloakIds().get(2L);

        // when a dry run comes first, then it says what the real run will do: purge person 2, find nothing of 999,
        // fail person 1 (README: "a dry run … ends with what a real run would do")
        assertThat(Main.execute(new String[] {"purge", "--config", config.toString(), "--input", csv.toString(),
                "--dry-run"}, environment(tenant))).isEqualTo(4);
        assertThat(output.getAll()).contains("would be purged by a real run: 1; not found in any store: 1; retained: 0;"
                + " would fail: 1 (a store would refuse them;");
        // and retry-failed of a dry run is a command-line error: it purged nothing
        long dryExecution = tenant.count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
        assertThat(Main.execute(new String[] {"retry-failed", "--config", config.toString(), "--execution",
                String.valueOf(dryExecution)}, environment(tenant))).isEqualTo(2);
        assertThat(output.getAll()).contains("execution " + dryExecution + " is a dry run");
        assertThat(tenant.count("SELECT count(*) FROM purge.batch_job_instance")).isEqualTo(1);
        assertThat(tenant.count("SELECT count(*) FROM person")).isEqualTo(CaseFilesTenant.PEOPLE);

        // when both are purged
        int exit = Main.execute(new String[] {"purge", "--config", config.toString(), "--input", csv.toString(),
                "--reason", "shared documents"}, environment(tenant));

        // then the run completes with the account FAILED (exit 4), and nothing of person 1 went in any store: its
        // rows, its Keycloak user, every one of its documents (README "Faults": a shared document is decided first)
        assertThat(exit).isEqualTo(4);
        assertThat(tenant.count("SELECT count(*) FROM person WHERE id = 1")).isEqualTo(1);
        assertThat(tenant.count("SELECT count(*) FROM person_identity WHERE person_id = 1")).isEqualTo(2);
        try (KeycloakRealmSetup admin = admin(); SeedIndexes seed = new SeedIndexes(TestStack.endpoints().elasticsearchUrl())) {
            assertThat(admin.userExists("truth_shared", keycloak1)).isTrue();
            assertThat(admin.userExists("truth_shared", keycloak2)).isFalse();
            seed.refresh(INDEX);
            assertThat(seed.countByIds(INDEX, List.of("own-1a", "own-1b", "shared-1-20"))).isEqualTo(3);
            assertThat(seed.countByIds(INDEX, List.of("own-2"))).isZero();
        }
        assertThat(tenant.count("SELECT count(*) FROM person WHERE id = 2")).isZero();

        // and the step log holds exactly the refusal for person 1 — no deletion recorded, none done — and every
        // deletion of person 2's, its document included
        long run = tenant.count("SELECT max(job_instance_id) FROM purge.batch_job_instance");
        assertThat(tenant.texts("SELECT store || ' ' || target || ' ' || action || coalesce(' ' || error_class, '')"
                + " FROM purge.step_log WHERE account_id = '1' AND run_id = " + run + " ORDER BY id")).containsExactly(
                "elasticsearch " + INDEX + " FAILED shared_document");
        assertThat(tenant.texts("SELECT store || ' ' || target || ' ' || action || ' ' || count FROM purge.step_log"
                + " WHERE account_id = '2' AND action = 'DELETED' ORDER BY store, target")).contains(
                "elasticsearch " + INDEX + " DELETED 1", "keycloak truth_shared DELETED 1", "postgres person DELETED 1");

        // and the summary says what state the failed account is in, and what the verification checked — Keycloak
        // too, though its users are matched by database rows that go with the account: the purge kept their ids when
        // it deleted them (issue 24: it said "nothing is left … in any store" and had not checked Keycloak)
        assertThat(output.getAll()).contains("accounts FAILED: 1 (not purged;")
                .contains("nothing of them was removed in any store")
                .contains("FAILED in elasticsearch " + INDEX + " (shared_document): not purged; nothing of it was removed")
                .contains("verification: nothing is left of the purged accounts where it looked (checked user accounts"
                        + " in postgres, keycloak (the users the database maps, and those whose ids the purge kept when"
                        + " it deleted them), elasticsearch)")
                .doesNotContain("nothing is left of the purged accounts in any store")
                .doesNotContainIgnoringCase("locked out").doesNotContain("@example.org");

        // and report.json says the same: one account failed on the shared document, what the verification checked
        JsonNode report = report();
        assertThat(report.at("/totals/accounts failed").asLong()).isEqualTo(1);
        assertThat(report.at("/totals/accounts not found in any store").asLong()).isEqualTo(1);
        assertThat(report.at("/failures/0/store").asString()).isEqualTo("elasticsearch");
        assertThat(report.at("/failures/0/errorClass").asString()).isEqualTo("shared_document");
        assertThat(report.at("/summary/failedRemovedFrom").size()).isZero();
        assertThat(report.at("/summary/verification").asString()).contains("keycloak (the users the database maps")
                .doesNotContain("NOT checked");
        assertThat(report.at("/summary/stores/elasticsearch/" + INDEX + "/deleted").asLong()).isEqualTo(1);

        // when the shared case is settled (it stays person 20's alone) and the failed accounts are retried
        try (SeedIndexes seed = new SeedIndexes(TestStack.endpoints().elasticsearchUrl())) {
            seed.bulkIndex(INDEX, List.of(Map.of("_id", "shared-1-20", "personIds", List.of("20"))));
            seed.refresh(INDEX);
        }
        long execution = tenant.count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
        assertThat(Main.execute(new String[] {"retry-failed", "--config", config.toString(), "--execution",
                String.valueOf(execution)}, environment(tenant))).isZero();

        // then person 1 is purged everywhere: rows, Keycloak user, its own documents; the settled case stays
        assertThat(tenant.count("SELECT count(*) FROM person WHERE id = 1")).isZero();
        try (KeycloakRealmSetup admin = admin(); SeedIndexes seed = new SeedIndexes(TestStack.endpoints().elasticsearchUrl())) {
            assertThat(admin.userExists("truth_shared", keycloak1)).isFalse();
            seed.refresh(INDEX);
            assertThat(seed.countByIds(INDEX, List.of("own-1a", "own-1b"))).isZero();
            assertThat(seed.countByIds(INDEX, List.of("shared-1-20"))).isEqualTo(1);
        }
        // and the first run's failed accounts are listed as re-driven by the retry's run, and a second retry-failed
        // does not purge them again
        String beforeFailed = output.getAll();
        assertThat(Main.execute(new String[] {"failed", "--config", config.toString(), "--execution",
                String.valueOf(execution)}, environment(tenant))).isZero();
        long retryRun = tenant.count("SELECT max(job_instance_id) FROM purge.batch_job_execution");
        assertThat(output.getAll().substring(beforeFailed.length()))
                .contains("(re-driven: purged since by run " + retryRun + ")");
        long executions = tenant.count("SELECT count(*) FROM purge.batch_job_execution");
        beforeFailed = output.getAll();
        assertThat(Main.execute(new String[] {"retry-failed", "--config", config.toString(), "--execution",
                String.valueOf(execution)}, environment(tenant))).isZero();
        assertThat(output.getAll().substring(beforeFailed.length())).contains("purged since by a later run");
        if (output.getAll().substring(beforeFailed.length()).contains("nothing to retry")) {
            assertThat(tenant.count("SELECT count(*) FROM purge.batch_job_execution")).isEqualTo(executions);
        }

        // and the Keycloak ids of the deleted users were kept, so verify finds a Keycloak user re-created under one
        try (KeycloakRealmSetup admin = admin()) {
            admin.importUsers("truth_shared", List.of(new KeycloakUserSpec(keycloak2, "again", null, null, null, true,
                    Map.of(), List.of(), List.of())));
        }
        String beforeVerify = output.getAll();
        long purgeExecution = tenant.count("SELECT min(e.job_execution_id) FROM purge.batch_job_execution e JOIN"
                + " purge.batch_job_execution_params p USING (job_execution_id) WHERE p.parameter_name = 'dry.run' AND"
                + " p.parameter_value = 'false'");
        assertThat(Main.execute(new String[] {"verify", "--config", config.toString(), "--execution",
                String.valueOf(purgeExecution)}, environment(tenant))).isEqualTo(1);
        assertThat(output.getAll().substring(beforeVerify.length())).contains("left: user 2 in keycloak truth_shared: 1")
                .contains("1 purged account(s) still have data");
        // and orphans traces that user back to its purged account through the kept id (the realm's other users stand
        // for no known account: said not checked), and orphans --purge removes it
        String beforeOrphans = output.getAll();
        assertThat(Main.execute(new String[] {"orphans", "--config", config.toString()}, environment(tenant))).isZero();
        assertThat(output.getAll().substring(beforeOrphans.length()))
                .contains("Orphans (their account is not in the database): {keycloak truth_shared=1}")
                .contains("not checked: keycloak realm truth_shared: users matched by database are traced back only"
                        + " through the ids the purge kept");
        assertThat(Main.execute(new String[] {"orphans", "--config", config.toString(), "--purge"},
                environment(tenant))).isZero();
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.userExists("truth_shared", keycloak2)).isFalse();
            assertThat(admin.userExists("truth_shared", tenant.keycloakIds().get(20L))).isTrue();
        }
        long retry = tenant.count("SELECT max(job_instance_id) FROM purge.batch_job_instance");
        assertThat(tenant.texts("SELECT store || ' ' || target || ' ' || action || ' ' || count FROM purge.step_log"
                + " WHERE run_id = " + retry + " AND account_id = '1' AND action = 'DELETED' ORDER BY store")).contains(
                "elasticsearch " + INDEX + " DELETED 2", "keycloak truth_shared DELETED 1");
    }

    @Test
    void aRefusedRunLeavesTheDatabaseAsItFoundItAndAnUnreachableRuleIsRefused(CapturedOutput output) throws Exception {
        // given a tenant database the purge never ran on (no purge schema), with comments on approvals: approvals are
        // never deleted (their approver is protected, their case nulled), so a rule on comments is never reached
        CaseFilesTenant tenant = CaseFilesTenant.create(TestStack.endpoints(), "truth_refused", List.of());
        try (var c = tenant.connection(); var st = c.createStatement()) {
            st.execute("CREATE TABLE approval_comment (id bigserial PRIMARY KEY, approval_id bigint NOT NULL REFERENCES"
                    + " approval(id), body text)");
            st.execute("INSERT INTO approval_comment (approval_id, body) SELECT id, 'ok' FROM approval");
        }
        Path csv = Files.writeString(dir.resolve("people.csv"), "person_id,kind\n1,user\n2,user\n");
        String base = Files.readString(DatabaseOnlyTenantTest.CONFIG).replace("report-directory:"
                + " target/purge-reports-test", "report-directory: " + dir.resolve("reports"));
        Path unreachable = Files.writeString(dir.resolve("unreachable.yml"), base.replace("    set-null:\n",
                "    set-null:\n      - approval_comment.approval_id\n"));

        // when a purge names set-null on that NOT NULL column (issue 24: accepted silently; README says refused)
        int exit = Main.execute(new String[] {"purge", "--config", unreachable.toString(), "--input", csv.toString(),
                "--reason", "unreachable rule"}, tenant.databaseProperties());

        // then nothing starts (exit 2), naming the rule that would do nothing
        assertThat(exit).isEqualTo(2);
        assertThat(output.getAll()).contains("purge.edges.set-null names approval_comment.approval_id, which no"
                + " configured kind's deletion reaches");
        // and the database is exactly as it was: no purge schema (issue 24: a refused run created it), every row
        assertThat(tenant.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'purge'")).isZero();
        assertThat(tenant.count("SELECT count(*) FROM person")).isEqualTo(CaseFilesTenant.PEOPLE);
        assertThat(tenant.count("SELECT count(*) FROM approval_comment")).isEqualTo(1);

        // when the rule is left out and the purge runs
        String before = output.getAll();
        assertThat(Main.execute(new String[] {"purge", "--config", Files.writeString(dir.resolve("fixed.yml"), base)
                .toString(), "--input", csv.toString(), "--reason", "fixed"}, tenant.databaseProperties())).isZero();

        // then it completes, and the preflight's findings are said once, not again by the job's first step
        String run = output.getAll().substring(before.length());
        assertThat(run.split("Stores this purge touches: user accounts", -1)).hasSize(2);
        assertThat(run.split("Delete plan for user accounts: tables in order", -1)).hasSize(2);
        assertThat(tenant.count("SELECT count(*) FROM person WHERE id IN (1, 2)")).isZero();
        assertThat(tenant.count("SELECT count(*) FROM approval_comment")).isEqualTo(1);
        // when the same file is purged again after that run completed (issue 24: a new run started silently)
        Path fixed = dir.resolve("fixed.yml");
        long runs = tenant.count("SELECT count(*) FROM purge.batch_job_instance");
        before = output.getAll();
        assertThat(Main.execute(new String[] {"purge", "--config", fixed.toString(), "--input", csv.toString(),
                "--reason", "again"}, tenant.databaseProperties())).isEqualTo(3);

        // then it is refused, saying which run purged it when, and how to run it again; no run is started
        assertThat(output.getAll().substring(before.length())).containsPattern("run [0-9]+ purged this file on"
                + " [0-9-]+ [0-9:]+ \\(execution [0-9]+, COMPLETED\\); to purge it again as a new run:")
                .contains("--new-run");
        assertThat(tenant.count("SELECT count(*) FROM purge.batch_job_instance")).isEqualTo(runs);
        // and with --new-run it runs again (the two people are not found now)
        assertThat(Main.execute(new String[] {"purge", "--config", fixed.toString(), "--input", csv.toString(),
                "--reason", "again", "--new-run"}, tenant.databaseProperties())).isZero();
        assertThat(tenant.count("SELECT count(*) FROM purge.batch_job_instance")).isEqualTo(runs + 1);
        assertThat(output.getAll()).contains("not found in any store: 2");
    }

    @Test
    void twoTenantsSharingAReportDirectoryNeverWriteIntoEachOthersFolder(CapturedOutput output) throws Exception {
        // given two tenant databases, each about to run its run 1, execution 1, with one report directory
        CaseFilesTenant a = CaseFilesTenant.create(TestStack.endpoints(), "truth_reports_a", List.of());
        CaseFilesTenant b = CaseFilesTenant.create(TestStack.endpoints(), "truth_reports_b", List.of());
        Path config = Files.writeString(dir.resolve("shared-reports.yml"), Files.readString(DatabaseOnlyTenantTest.CONFIG)
                .replace("report-directory: target/purge-reports-test", "report-directory: " + dir.resolve("reports")));

        // when a purges two people and b one (issue 24: both wrote run-1-execution-1/, the second over the first)
        assertThat(Main.execute(new String[] {"purge", "--config", config.toString(), "--input", Files.writeString(
                dir.resolve("a.csv"), "person_id,kind\n1,user\n2,user\n").toString(), "--reason", "a"},
                a.databaseProperties())).isZero();
        assertThat(Main.execute(new String[] {"purge", "--config", config.toString(), "--input", Files.writeString(
                dir.resolve("b.csv"), "person_id,kind\n3,user\n").toString(), "--reason", "b"},
                b.databaseProperties())).isZero();

        // then each report is in a folder of its own tenant (README "Report folder"), each with its own figures
        List<Path> reports;
        try (Stream<Path> files = Files.walk(dir.resolve("reports"))) {
            reports = files.filter(p -> p.getFileName().toString().equals("report.json")).sorted().toList();
        }
        assertThat(reports).hasSize(2);
        assertThat(reports).allMatch(p -> p.getParent().getFileName().toString().equals("run-1-execution-1"));
        assertThat(reports.get(0).getParent().getParent().getFileName().toString()).startsWith("truth_reports_a-");
        assertThat(reports.get(1).getParent().getParent().getFileName().toString()).startsWith("truth_reports_b-");
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(Files.readString(reports.get(0))).at("/totals/accounts purged").asLong()).isEqualTo(2);
        assertThat(json.readTree(Files.readString(reports.get(1))).at("/totals/accounts purged").asLong()).isEqualTo(1);

        // when a's folder is claimed by another execution and a's report is written again
        Files.writeString(reports.get(0).resolveSibling(".owner"), "another-tenant run 1 execution 1\n");
        String before = Files.readString(reports.get(0));
        int exit = Main.execute(new String[] {"report", "--config", config.toString(), "--execution", "1"},
                a.databaseProperties());

        // then it is refused, naming the owner, and nothing in the folder changes
        assertThat(exit).isEqualTo(3);
        assertThat(output.getAll()).contains("belongs to another-tenant run 1 execution 1").contains("not overwritten");
        assertThat(Files.readString(reports.get(0))).isEqualTo(before);
    }

    @Test
    void aKeycloakClientWithoutARoleTheRunNeedsIsRefusedByThePreflightNamingIt(CapturedOutput output) throws Exception {
        // given the purge client's service account lacks manage-users (issue 24: the preflight passed, and every
        // account FAILED at run time, exit 4)
        CaseFilesTenant tenant = tenant("truth_roles");
        try (KeycloakRealmSetup admin = admin()) {
            admin.revokePurgeClientRole("truth_roles", "account-purge", "manage-users");
        }
        try (SeedIndexes seed = new SeedIndexes(TestStack.endpoints().elasticsearchUrl())) {
            seed.recreateIndex(INDEX, Map.of("personIds", "keyword"));
        }
        Path csv = Files.writeString(dir.resolve("one.csv"), "person_id,kind\n1,user\n");

        // when the purge runs
        int exit = Main.execute(new String[] {"purge", "--config", config("truth_roles").toString(), "--input",
                csv.toString(), "--reason", "roles"}, environment(tenant));

        // then nothing starts (exit 2), naming the missing role and what it is for; nothing changed
        assertThat(exit).isEqualTo(2);
        assertThat(output.getAll()).contains("Keycloak client account-purge of realm truth_roles lacks the"
                + " realm-management role(s) [manage-users (to delete and disable users)]");
        assertThat(tenant.count("SELECT count(*) FROM person WHERE id = 1")).isEqualTo(1);
        assertThat(tenant.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'purge'")).isZero();
        try (KeycloakRealmSetup admin = admin()) {
            assertThat(admin.userExists("truth_roles", tenant.keycloakIds().get(1L))).isTrue();
        }
    }
}
