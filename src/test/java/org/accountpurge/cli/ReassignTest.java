package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.ReferenceTenantCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Leaving without taking the content along (issue 26, first part): content and course batches whose creator is
 * purged are reassigned to the tenant's successor account ({@code purge.edges.reassign}, {@code successor}) instead
 * of keeping the creator for ever. On the real stack, through the command line.
 */
@RealStack(seeding = RealStack.Seeding.EACH_TEST, seed = 29)
@ExtendWith(OutputCaptureExtension.class)
class ReassignTest extends ReferenceTenantCli {


    @Test
    void theCreatorsArePurgedAndTheirContentAndBatchesGoToTheSuccessor(CapturedOutput output) throws Exception {
        // given content and batch creators nothing else retains, a successor account (a platform admin, who stays),
        // and how many content rows and batches each creator has
        List<String> creators = creators();
        String successor = seeded.manifest().userIds().get("platformAdmins").get(0);
        long content = count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", creators);
        long batches = count("SELECT count(*) FROM course_batch WHERE created_by::text = ANY(?)", creators);
        long successorsBefore = count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", List.of(successor));
        assertThat(content + batches).isPositive();
        Path config = reassigning(successor);
        StringBuilder csv = new StringBuilder("account_id,kind\n");
        creators.forEach(id -> csv.append(id).append(",user\n"));
        csv.append(successor).append(",user\n");
        Path input = Files.writeString(dir.resolve("creators.csv"), csv.toString());

        // when a dry run comes first, then it changes nothing and counts, per store and target, what it would do
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--dry-run"))
                .as(output.getAll()).isZero();
        long dryRun = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", creators)).isEqualTo(content);
        assertThat(output.getAll()).contains("postgres content.created_by: {would reassign=" + content + "}");
        Map<String, Long> would = stepLogCounts(dryRun, "WOULD_");

        // when they are purged
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "OPS-26"))
                .as(output.getAll()).isZero();

        // then the dry run's counts were the real run's, per table, edge and index (Keycloak users aside: a dry run
        // looks them up only for accounts nothing else holds)
        long purged = count("SELECT max(run_id) FROM purge.candidate", null);
        Map<String, Long> did = stepLogCounts(purged, "");
        did.keySet().removeIf(key -> key.startsWith("keycloak "));
        would.keySet().removeIf(key -> key.startsWith("keycloak "));
        assertThat(would).isNotEmpty().isEqualTo(did);

        // and the creators are gone, their content and batches are kept and now the successor's, and the successor,
        // who was listed too, is retained as the successor
        long run = purged;
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?)", creators)).isZero();
        assertThat(count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", creators)).isZero();
        assertThat(count("SELECT count(*) FROM course_batch WHERE created_by::text = ANY(?)", creators)).isZero();
        assertThat(count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", List.of(successor)))
                .isEqualTo(successorsBefore + content);
        assertThat(jdbc.queryForList("SELECT state || ' ' || coalesce((SELECT string_agg(reason, ',') FROM"
                + " purge.retention r WHERE r.run_id = c.run_id AND r.account_id = c.account_id), '') FROM"
                + " purge.candidate c WHERE run_id = ? AND account_id = ?", String.class, run, successor))
                .singleElement().asString().startsWith("RETAINED ").contains("successor"); // (a platform admin too)
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'", null))
                .isEqualTo(creators.size());

        // and the step log and the summary say how many rows were reassigned, per edge
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target ="
                + " 'content.created_by' AND action = 'REASSIGNED'", null)).isEqualTo(content);
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target ="
                + " 'course_batch.created_by' AND action = 'REASSIGNED'", null)).isEqualTo(batches);
        // and purge.handover says from whom to whom: every row from a creator to the successor
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.handover WHERE run_id = " + run + " AND successor"
                + " = '" + successor + "' AND account_id = ANY(?)", creators)).isEqualTo(content + batches);
        assertThat(count("SELECT count(*) FROM purge.handover WHERE run_id = " + run + " AND successor <> '"
                + successor + "'", null)).isZero();
        assertThat(output.getAll()).containsPattern("postgres content.created_by: \\{(absent=\\d+, )?reassigned="
                        + content + "}")
                .contains("reassign [content.created_by, course_batch.created_by] to successor account " + successor);

        // and the verification finds nothing left, and purging the same list again reassigns nothing more
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(cli("verify", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "OPS-26",
                "--new-run")).isZero();
        long again = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + again + " AND action = 'REASSIGNED'",
                null)).isZero();
        assertThat(count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", List.of(successor)))
                .isEqualTo(successorsBefore + content);
    }

    @Test
    void aSuccessorTheDatabaseDoesNotHaveStopsThePurgeBeforeAnythingRuns(CapturedOutput output) throws Exception {
        // given a successor id no user row has
        String nobody = UUID.randomUUID().toString();
        Path input = Files.writeString(dir.resolve("one.csv"), "account_id,kind\n" + creators().get(0) + ",user\n");
        long users = count("SELECT count(*) FROM users", null);

        // when a purge starts, then nothing is started and the successor is named
        assertThat(cli("purge", "--config", reassigning(nobody).toString(), "--input", input.toString(), "--reason",
                "OPS-26")).isEqualTo(2);
        assertThat(output.getAll()).contains("purge.edges.successor.user: the database has no user account " + nobody);
        assertThat(count("SELECT count(*) FROM users", null)).isEqualTo(users);

        // and a reassign rule without any successor is a configuration error
        Path none = Files.writeString(dir.resolve("none.yml"), Files.readString(reassigning(nobody))
                .replace("    successor: { user: \"" + nobody + "\" }\n", ""));
        assertThat(cli("purge", "--config", none.toString(), "--input", input.toString(), "--reason", "OPS-26"))
                .isEqualTo(2);
        assertThat(output.getAll()).contains("reassign needs purge.edges.successor");
    }

    /** An admin of one of the batch creator's schools, the longest-standing first. */
    static final String SCHOOL_ADMIN = "SELECT a.user_id FROM user_organisation m JOIN user_organisation a ON"
            + " a.organisation_id = m.organisation_id WHERE m.user_id = :row.created_by AND 'ORG_ADMIN' = ANY(a.roles)"
            + " ORDER BY a.joined_at, a.user_id";

    @Test
    void eachBatchGoesToAnAdminOfItsCreatorsSchoolAndACreatorWithoutOneIsRetainedUntouched(CapturedOutput output)
            throws Exception {
        // given batch creators, one of whose schools has no admin left, batches reassigned by a successor query
        // (content to the fixed successor), and which admin each batch's query picks now
        List<String> creators = creators("batchCreators").stream().filter(id -> count("SELECT count(*) FROM course_batch WHERE"
                + " created_by::text = ANY(?)", List.of(id)) > 0).toList();
        assertThat(creators).hasSizeGreaterThan(1);
        jdbc.update("UPDATE user_organisation SET roles = '{PUBLIC}' WHERE organisation_id IN (SELECT organisation_id"
                + " FROM user_organisation WHERE user_id = ?::uuid)", creators.get(0));
        java.util.Map<String, String> picked = new java.util.HashMap<>(); // batch -> admin (null: none)
        java.util.Map<String, String> creatorOf = new java.util.HashMap<>(); // batch -> creator
        jdbc.query("SELECT b.id::text, b.created_by::text, (SELECT s.user_id::text FROM (" + SCHOOL_ADMIN.replace(
                ":row.created_by", "b.created_by") + ") s(user_id) LIMIT 1) FROM course_batch b WHERE"
                + " b.created_by::text = ANY(?)", rs -> {
            creatorOf.put(rs.getString(1), rs.getString(2));
            picked.put(rs.getString(1), rs.getString(3));
        }, (Object) creators.toArray(String[]::new));
        java.util.Set<String> orphaned = new java.util.TreeSet<>();
        picked.forEach((batch, admin) -> {
            if (admin == null) {
                orphaned.add(creatorOf.get(batch));
            }
        });
        assertThat(orphaned).contains(creators.get(0)).hasSizeLessThan(creators.size());
        long orphanedContent = count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)",
                List.copyOf(orphaned));
        long orphanedBatches = count("SELECT count(*) FROM course_batch WHERE created_by::text = ANY(?)",
                List.copyOf(orphaned));
        String successor = seeded.manifest().userIds().get("platformAdmins").get(0);
        Path config = referenceConfig(10, yaml -> yaml
                .replace("      - content.created_by             # content creators\n", "")
                .replace("      - course_batch.created_by        # batch creators\n", "")
                .replace("    protect:\n", "    reassign:\n      - content.created_by\n      - course_batch.created_by\n"
                        + "    successor: { user: \"" + successor + "\" }\n    successor-queries:\n"
                        + "      - edge: course_batch.created_by\n        sql: >-\n          " + SCHOOL_ADMIN
                        + "\n    protect:\n")
                .replace("\n  input:\n", "\n  events:\n    table: public.deletion_outbox\n  input:\n"));
        jdbc.execute("DROP TABLE IF EXISTS deletion_outbox");
        jdbc.execute("CREATE TABLE deletion_outbox (id bigserial PRIMARY KEY, account_id text NOT NULL, kind text NOT"
                + " NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");

        // when they are purged
        assertThat(cli("purge", "--config", config.toString(), "--input", csv(creators).toString(), "--reason",
                "OPS-26")).as(output.getAll()).isZero();

        // then the creators with an admin are gone and each of their batches is the admin's its query picked
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        List<String> gone = creators.stream().filter(id -> !orphaned.contains(id)).toList();
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?)", gone)).isZero();
        picked.forEach((batch, admin) -> {
            if (!orphaned.contains(creatorOf.get(batch))) {
                assertThat(jdbc.queryForObject("SELECT created_by::text FROM course_batch WHERE id::text = ?",
                        String.class, batch)).as("batch " + batch).isEqualTo(admin);
            }
        });
        assertThat(output.getAll()).contains("reassign [content.created_by] to successor account " + successor)
                .contains("reassign [course_batch.created_by] to the successor each row's query picks");
        // and purge.handover says, per creator, how many batches went to which admin
        Map<String, Long> expected = new java.util.TreeMap<>();
        picked.forEach((batch, admin) -> {
            if (!orphaned.contains(creatorOf.get(batch))) {
                expected.merge(creatorOf.get(batch) + " -> " + admin, 1L, Long::sum);
            }
        });
        Map<String, Long> recorded = new java.util.TreeMap<>();
        jdbc.query("SELECT account_id, successor, count FROM purge.handover WHERE run_id = ? AND target ="
                + " 'course_batch.created_by'", rs -> {
            recorded.merge(rs.getString(1) + " -> " + rs.getString(2), rs.getLong(3), Long::sum);
        }, run);
        assertThat(recorded).isEqualTo(expected);
        // and each creator's deletion event says the same: what it handed over, to whom
        Map<String, Long> evented = new java.util.TreeMap<>();
        jdbc.query("SELECT o.account_id, h->>'successor', (h->>'count')::bigint FROM deletion_outbox o,"
                + " jsonb_array_elements(o.payload->'handedOver') h WHERE h->>'target' = 'course_batch.created_by'",
                rs -> {
                    evented.merge(rs.getString(1) + " -> " + rs.getString(2), rs.getLong(3), Long::sum);
                });
        assertThat(evented).isEqualTo(expected);
        java.util.regex.Matcher report = java.util.regex.Pattern.compile("Report: (\\S+)/report\\.html")
                .matcher(output.getAll());
        String folder = null;
        while (report.find()) {
            folder = report.group(1);
        }
        assertThat(Files.readAllLines(Path.of(folder, "handovers.csv")))
                .first().isEqualTo("kind,account_id,target,group,successor,count");
        assertThat(Files.readAllLines(Path.of(folder, "handovers.csv")))
                .filteredOn(line -> line.contains("course_batch.created_by")).hasSize(expected.size());
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target ="
                + " 'course_batch.created_by' AND action = 'REASSIGNED'", null))
                .isEqualTo(creatorOf.values().stream().filter(creator -> !orphaned.contains(creator)).count());

        // and a creator a batch finds no admin for is retained, the edge named, with nothing of theirs touched
        assertThat(jdbc.queryForList("SELECT DISTINCT r.account_id FROM purge.retention r JOIN purge.candidate c ON"
                + " c.run_id = r.run_id AND c.account_id = r.account_id AND c.state = 'RETAINED' WHERE r.run_id = ?"
                + " AND r.reason = 'no-successor:course_batch.created_by'", String.class, run))
                .containsExactlyInAnyOrderElementsOf(orphaned);
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?)", List.copyOf(orphaned)))
                .isEqualTo(orphaned.size());
        assertThat(count("SELECT count(*) FROM content WHERE created_by::text = ANY(?)", List.copyOf(orphaned)))
                .isEqualTo(orphanedContent);
        assertThat(count("SELECT count(*) FROM course_batch WHERE created_by::text = ANY(?)", List.copyOf(orphaned)))
                .isEqualTo(orphanedBatches);

        // and the verification finds nothing of the purged left
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(cli("verify", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
    }

    /**
     * Per "store target action", the rows or documents a run's step log counts: for {@code prefix} "WOULD_" what a dry
     * run would do (the prefix and verb forms taken off), for "" what a real run did.
     */
    static Map<String, Long> stepLogCounts(long run, String prefix) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.query("SELECT store, target, action, sum(count) FROM purge.step_log WHERE run_id = ? AND action IN (?, ?,"
                + " ?, ?, ?) GROUP BY 1, 2, 3", rs -> {
            String action = rs.getString(3).replace("WOULD_", "");
            counts.put(rs.getString(1) + " " + rs.getString(2) + " " + Map.of("DELETED", "DELETE", "NULLED", "NULL",
                    "REASSIGNED", "REASSIGN", "SCRUBBED", "SCRUB", "PROMOTED", "PROMOTE").getOrDefault(action, action),
                    rs.getLong(4));
        }, run, prefix.isEmpty() ? "DELETED" : prefix + "DELETE", prefix.isEmpty() ? "NULLED" : prefix + "NULL",
                prefix.isEmpty() ? "REASSIGNED" : prefix + "REASSIGN", prefix.isEmpty() ? "SCRUBBED" : prefix + "SCRUB",
                prefix.isEmpty() ? "PROMOTED" : prefix + "PROMOTE");
        return counts;
    }

    /** Content and batch creators no other rule retains (not mentors, admins, staff or group owners). */
    List<String> creators() {
        return creators("contentCreators", "batchCreators");
    }

    /** ... of these kinds. */
    List<String> creators(String... kinds) {
        List<String> ids = new ArrayList<>();
        for (String kind : kinds) {
            ids.addAll(seeded.manifest().userIds().get(kind));
        }
        for (String kind : List.of("mentors", "orgAdmins", "platformAdmins", "supportStaff", "groupOwners")) {
            ids.removeAll(seeded.manifest().userIds().get(kind));
        }
        seeded.tenant().tables().get("group_member").rows().stream().filter(m -> !"member".equals(m[2]))
                .forEach(m -> ids.remove(m[1].toString()));
        return ids.stream().distinct().limit(6).toList();
    }

    /** The reference configuration with content and batch creators reassigned to {@code successor}. */
    Path reassigning(String successor) throws Exception {
        return referenceConfig(10, yaml -> yaml
                .replace("      - content.created_by             # content creators\n", "")
                .replace("      - course_batch.created_by        # batch creators\n", "")
                .replace("    protect:\n", "    reassign:\n      - content.created_by\n      - course_batch.created_by\n"
                        + "    successor: { user: \"" + successor + "\" }\n    protect:\n"));
    }
}
