package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.accountpurge.support.CaseFilesTenant;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A tenant with a database only — no search index, no Keycloak, no organisations, bigint ids, a schema unlike the
 * reference tenant's — is purged through the command line exactly as its configuration says.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOnlyTenantTest {

    static final Path CONFIG = Path.of("src/test/resources/tenants/case-files-database-only.yml");

    @TempDir
    Path dir;

    @Test
    void aDatabaseOnlyTenantWithBigintIdsAndNoOrgsIsPurgedCleanly(CapturedOutput output) throws Exception {
        // given the case-files tenant and a CSV of people 1..10, an id nobody has, a malformed id and an org row
        CaseFilesTenant tenant = CaseFilesTenant.create(TestStack.endpoints(), "casefiles_db", List.of());
        StringBuilder csv = new StringBuilder("person_id,kind\n");
        LongStream.rangeClosed(1, 10).forEach(i -> csv.append(i).append(",user\n"));
        csv.append("999,user\nabc,user\n11,org\n");
        Path input = Files.writeString(dir.resolve("people.csv"), csv);

        // and deletion events configured into an outbox table that does not exist yet
        Path config = Files.writeString(dir.resolve("with-events.yml"), Files.readString(CONFIG)
                + "  events:\n    table: public.deletion_outbox\n");

        // when the purge is asked for, then the preflight refuses, saying how to create the table; nothing ran
        assertThat(Main.execute(new String[] {"purge", "--config", config.toString(), "--input", input.toString(),
                "--reason", "case files cleanup"}, tenant.databaseProperties())).isEqualTo(2);
        assertThat(output.getAll()).contains("purge.events.table public.deletion_outbox does not exist; create it");
        assertThat(tenant.count("SELECT count(*) FROM person")).isEqualTo((long) CaseFilesTenant.PEOPLE);

        // when the table is there and the purge runs
        try (var c = tenant.connection(); var s = c.createStatement()) {
            s.execute("CREATE TABLE deletion_outbox (id bigserial PRIMARY KEY, account_id text NOT NULL, kind text NOT"
                    + " NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
        }
        int exit = Main.execute(new String[] {"purge", "--config", config.toString(), "--input", input.toString(),
                "--reason", "case files cleanup"}, tenant.databaseProperties());

        // then it completed, touching only the database, and said so
        assertThat(exit).isZero();
        assertThat(output.getAll()).contains("not configured, not touched: elasticsearch, keycloak")
                .contains("user accounts: postgres (public.person");

        // and the listed people are gone with their rows, except the approver (FK) and the administrator (rule)
        List<Long> kept = new ArrayList<>(List.of(CaseFilesTenant.APPROVER, CaseFilesTenant.ADMIN));
        LongStream.rangeClosed(11, CaseFilesTenant.PEOPLE).forEach(kept::add);
        assertThat(tenant.ids("SELECT id FROM person ORDER BY id")).containsExactlyElementsOf(kept);
        assertThat(tenant.ids("SELECT DISTINCT person_id FROM person_identity ORDER BY 1")).containsExactlyElementsOf(kept);
        assertThat(tenant.ids("SELECT owner_id FROM case_file ORDER BY 1")).containsExactlyElementsOf(kept);
        assertThat(tenant.count("SELECT count(*) FROM case_note")).isEqualTo(kept.size());

        // and references to them from rows that stay are nulled: assignees of cases 5, 7, 40; authors on 7, 39, 40
        assertThat(tenant.ids("SELECT id FROM case_file WHERE assignee_id IS NULL ORDER BY 1")).containsExactly(5L, 7L, 40L);
        assertThat(tenant.ids("SELECT case_id FROM case_note WHERE author_id IS NULL ORDER BY 1")).containsExactly(7L, 39L, 40L);
        assertThat(tenant.count("SELECT count(*) FROM approval WHERE case_id = 30")).isEqualTo(1);

        // and the summary counts the retained by reason, the one not found and the rejected rows
        assertThat(output.getAll()).contains("fk:approval.approver_id=1").contains("administrator=1")
                .contains("not found in any store: 1")
                .contains("unknown kind (expected user)").contains("malformed user id");
        assertThat(tenant.count("SELECT count(*) FROM purge.candidate WHERE state = 'PURGED'")).isEqualTo(8);

        // and the outbox holds one event per purged person — none for the one not found or the retained — each
        // naming the account, its kind and the stores it was removed from
        assertThat(tenant.ids("SELECT account_id::bigint FROM deletion_outbox ORDER BY 1")).containsExactlyElementsOf(
                tenant.ids("SELECT account_id::bigint FROM purge.candidate WHERE state = 'PURGED' ORDER BY 1"));
        assertThat(tenant.count("SELECT count(*) FROM deletion_outbox WHERE kind = 'user' AND payload->>'type' ="
                + " 'account.purged' AND payload->>'accountId' = account_id AND payload->'stores' = '[\"postgres\"]'"
                + " AND (payload->>'purgedAt')::timestamptz <= now()")).isEqualTo(8);
        // and each says what went per target, as the step log counts it, and that nothing was handed over
        assertThat(tenant.count("SELECT count(*) FROM deletion_outbox o WHERE payload->'handedOver' = '[]' AND"
                + " payload->'outcomes' = (SELECT jsonb_agg(jsonb_build_object('store', s.store, 'target', s.target,"
                + " 'action', lower(s.action), 'count', s.n) ORDER BY s.store, s.target, s.action) FROM (SELECT store,"
                + " target, action, sum(count) AS n FROM purge.step_log l WHERE l.account_id = o.account_id AND"
                + " l.run_id = (o.payload->>'runId')::bigint AND l.action IN"
                + " ('DELETED', 'NULLED', 'REASSIGNED', 'PROMOTED', 'SCRUBBED', 'DISABLED') GROUP BY 1, 2, 3) s)"))
                .isEqualTo(8);

        // and the verification after the purge found nothing left
        assertThat(output.getAll()).contains("verification: nothing is left of the purged accounts where it looked (checked user accounts in postgres)");

        // and no email or handle of a purged person was logged
        assertThat(output.getAll()).doesNotContain("@example.org").doesNotContain("handle-1");

        // when somebody re-creates person 1 with a case, then verify (read-only, any time later) names what is left
        try (var c = tenant.connection(); var s = c.createStatement()) {
            s.execute("INSERT INTO person VALUES (1, 'again', null, false)");
            s.execute("INSERT INTO case_file VALUES (1001, 1, null, 'again')");
        }
        long execution = tenant.count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
        String before = output.getAll();
        assertThat(Main.execute(new String[] {"verify", "--config", config.toString(), "--execution",
                String.valueOf(execution)}, tenant.databaseProperties())).isEqualTo(1);
        assertThat(output.getAll().substring(before.length())).contains("left: user 1 in postgres person: 1")
                .contains("left: user 1 in postgres case_file: 1").contains("1 purged account(s) still have data");
    }

    @Test
    void tablesOfAnotherSchemaThatReferenceTheTenantsTablesNeedARuleAndFollowIt(CapturedOutput output) throws Exception {
        // given the case-files tenant with a reporting schema: an export row per person, a download per export, a
        // visit per person in a partitioned table, and a reviewer (person 3) that must keep the person
        CaseFilesTenant tenant = CaseFilesTenant.create(TestStack.endpoints(), "casefiles_schemas", List.of());
        try (var c = tenant.connection(); var s = c.createStatement()) {
            s.execute("CREATE SCHEMA reporting");
            s.execute("CREATE TABLE reporting.person_export (id bigserial PRIMARY KEY, person_id bigint NOT NULL"
                    + " REFERENCES public.person(id))");
            s.execute("CREATE TABLE reporting.download (id bigserial PRIMARY KEY, export_id bigint NOT NULL"
                    + " REFERENCES reporting.person_export(id))");
            s.execute("CREATE TABLE reporting.reviewer (person_id bigint NOT NULL REFERENCES public.person(id))");
            s.execute("INSERT INTO reporting.person_export (person_id) SELECT id FROM person");
            s.execute("INSERT INTO reporting.download (export_id) SELECT id FROM reporting.person_export");
            s.execute("INSERT INTO reporting.reviewer VALUES (3)");
            s.execute("CREATE TABLE reporting.visit (person_id bigint NOT NULL REFERENCES public.person(id), day date"
                    + " NOT NULL) PARTITION BY RANGE (day)");
            s.execute("CREATE TABLE reporting.visit_2026 PARTITION OF reporting.visit FOR VALUES FROM ('2026-01-01')"
                    + " TO ('2027-01-01')");
            s.execute("INSERT INTO reporting.visit SELECT id, DATE '2026-03-01' FROM person");
        }
        Path input = Files.writeString(dir.resolve("people.csv"), "person_id,kind\n1,user\n2,user\n3,user\n4,user\n");
        String[] purge = {"purge", "--config", CONFIG.toString(), "--input", input.toString(), "--reason", "exports"};

        // when the purge runs with a configuration that has no rule for them
        int refused = Main.execute(purge, tenant.databaseProperties());

        // then nothing starts: the preflight names the other schema's edges as unruled, and nothing is deleted
        assertThat(refused).isEqualTo(2);
        assertThat(output.getAll()).contains("reporting.person_export.person_id")
                .contains("reporting.reviewer.person_id");
        assertThat(tenant.count("SELECT count(*) FROM person")).isEqualTo((long) CaseFilesTenant.PEOPLE);
        assertThat(tenant.count("SELECT count(*) FROM reporting.person_export")).isEqualTo((long) CaseFilesTenant.PEOPLE);

        // when the rules name them (schema.table.column): exports and their downloads go, a reviewer is kept
        Path config = Files.writeString(dir.resolve("with-reporting.yml"), Files.readString(CONFIG)
                .replace("    delete:\n", "    delete:\n      - reporting.person_export.person_id\n"
                        + "      - reporting.download.export_id\n      - reporting.visit.person_id\n")
                .replace("    protect:\n", "    protect:\n      - reporting.reviewer.person_id\n"));
        purge[2] = config.toString();
        int exit = Main.execute(purge, tenant.databaseProperties());

        // then the run completes: persons 1, 2 and 4 are gone with their exports and downloads, person 3 is retained
        // by the other schema's key, and the verification found nothing left
        assertThat(exit).isZero();
        assertThat(tenant.ids("SELECT id FROM person WHERE id <= 4 ORDER BY id")).containsExactly(3L);
        assertThat(tenant.ids("SELECT person_id FROM reporting.person_export WHERE person_id <= 4")).containsExactly(3L);
        assertThat(tenant.count("SELECT count(*) FROM reporting.download")).isEqualTo(CaseFilesTenant.PEOPLE - 3L);
        // (the partitioned table's key is one edge, its partition's copy of it none of its own)
        assertThat(tenant.ids("SELECT person_id FROM reporting.visit WHERE person_id <= 4")).containsExactly(3L);
        assertThat(output.getAll()).contains("fk:reporting.reviewer.person_id=1")
                .contains("postgres reporting.person_export: {deleted=3}")
                .contains("postgres reporting.download: {deleted=3}")
                .contains("verification: nothing is left of the purged accounts where it looked (checked user accounts in postgres)");
    }
}
