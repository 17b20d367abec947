package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.ReferenceTenantCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Scrub mode (issue 26, third part): the account's own row is kept and anonymised ({@code purge.scrub}) instead of
 * deleted, so that what references it stays valid; its dependants go by their edge rules, its documents and its login
 * as in delete mode. On the real stack, through the command line, with the worked example
 * {@code jobs-config/scrub-tenant.yml}.
 */
@RealStack(seed = 37)
@ExtendWith(OutputCaptureExtension.class)
class ScrubTest extends ReferenceTenantCli {

    static final String KEY = "scrub-test-key-0123456789abcdefghij";
    static final String EXAMPLE = "scrub-tenant.yml";


    @Test
    void theRowsAreKeptWithTheirIdsAndNothingOfTheirPersonLeftAndASecondRunChangesNothing(CapturedOutput output)
            throws Exception {
        // given never-logged-in users, with their names, emails and phones as the database has them
        List<String> users = neverLoggedIn();
        List<Map<String, Object>> before = jdbc.queryForList("SELECT id::text AS id, username, first_name, last_name,"
                + " email, phone FROM users WHERE id::text = ANY(?)", (Object) users.toArray(String[]::new));
        Path config = scrubbing(yaml -> yaml);
        Path input = csv(users);
        Map<String, Long> notesOf = new java.util.HashMap<>();
        jdbc.query("SELECT user_id::text, count(*) FROM user_notes WHERE user_id::text = ANY(?) GROUP BY 1", rs -> {
            notesOf.put(rs.getString(1), rs.getLong(2));
        }, (Object) users.toArray(String[]::new));

        // when they are purged in scrub mode
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "OPS-26"))
                .as(output.getAll()).isZero();

        // then every purged account's row is still there, with its id, and holds what the scrub put in it
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        List<String> purged = jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND state ="
                + " 'PURGED'", String.class, run);
        assertThat(purged).isNotEmpty();
        for (Map<String, Object> row : before.stream().filter(r -> purged.contains((String) r.get("id"))).toList()) {
            String id = (String) row.get("id");
            Map<String, Object> now = jdbc.queryForMap("SELECT username, first_name, last_name, email, phone, status"
                    + " FROM users WHERE id = ?::uuid", id);
            assertThat(now.get("username")).isEqualTo("deleted-" + id);
            assertThat(now.get("first_name")).isEqualTo("Deleted");
            assertThat(now.get("last_name")).isNull();
            assertThat(now.get("phone")).isNull();
            assertThat(((Number) now.get("status")).intValue()).isEqualTo(2);
            assertThat(now.get("email")).isEqualTo(row.get("email") == null ? null : hash((String) row.get("email")));
        }

        // and their Keycloak users are kept with the same ids, disabled, without email, names or attributes
        try (org.accountpurge.seed.KeycloakRealmSetup admin = new org.accountpurge.seed.KeycloakRealmSetup(
                proxied.stack().keycloakUrl(), proxied.stack().keycloakAdminUser(),
                proxied.stack().keycloakAdminPassword(), java.time.Duration.ofSeconds(60))) {
            Map<String, String> keycloak = admin.allUsers(seeded.manifest().realm());
            List<String> kept = purged.stream().filter(keycloak::containsKey).toList();
            assertThat(kept).isNotEmpty();
            for (String id : kept) { // username|email|first|last|enabled|emailVerified|attributes
                String[] user = keycloak.get(id).split("\\|", -1);
                assertThat(user[1]).as(id).isIn("null", "");
                assertThat(user[2]).as(id).isIn("null", "");
                assertThat(user[3]).as(id).isIn("null", "");
                assertThat(user[4]).as(id).isEqualTo("false");
                assertThat(user[6]).as(id).isEqualTo("{}");
            }
            assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND store ="
                    + " 'keycloak' AND action = 'SCRUBBED'", null)).isEqualTo(kept.size());
        }

        // and their profile documents are kept without the person's fields; their other documents are gone
        try (org.accountpurge.seed.SeedIndexes es = new org.accountpurge.seed.SeedIndexes(
                proxied.stack().elasticsearchUrl())) {
            es.refresh("user");
            long profiles = es.countByIds("user", purged);
            assertThat(profiles).isPositive();
            for (String field : List.of("userName", "firstName", "lastName", "email", "phone")) {
                assertThat(es.countByIdsHolding("user", purged, field)).as(field).isZero();
            }
            assertThat(es.countByIdsHolding("user", purged, "rootOrgId")).isEqualTo(profiles);
            assertThat(es.countByField("usernotes", "userId", purged)).isZero();
            assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND store ="
                    + " 'elasticsearch' AND target = 'user' AND action = 'SCRUBBED'", null)).isEqualTo(profiles);
        }

        // and their notes are kept, what they wrote replaced (a dependant table scrubbed), and counted so
        long notes = purged.stream().mapToLong(id -> notesOf.getOrDefault(id, 0L)).sum();
        assertThat(notes).isPositive();
        assertThat(count("SELECT count(*) FROM user_notes WHERE user_id::text = ANY(?)", purged)).isEqualTo(notes);
        assertThat(count("SELECT count(*) FROM user_notes WHERE user_id::text = ANY(?) AND (title <> '(removed)' OR"
                + " note <> '(removed)')", purged)).isZero();
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target ="
                + " 'user_notes' AND action = 'SCRUBBED'", null)).isEqualTo(notes);

        // and their dependants went by their rules: no lookup (email, phone) nor membership is left
        assertThat(count("SELECT count(*) FROM user_lookup WHERE user_id::text = ANY(?)", purged)).isZero();
        assertThat(count("SELECT count(*) FROM user_organisation WHERE user_id::text = ANY(?)", purged)).isZero();

        // and the step log, the summary and the plan say scrubbed, one row per account
        assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target ="
                + " 'users' AND action = 'SCRUBBED'", null)).isEqualTo(purged.size());
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND target = 'users' AND"
                + " action = 'DELETED'", null)).isZero();
        assertThat(output.getAll()).containsPattern("postgres users: \\{(absent=\\d+, )?scrubbed=" + purged.size()
                + "}").contains("users rows kept and scrubbed (columns [username as value, first_name as value,"
                + " last_name as cleared, email as hash, phone as cleared, status as value])");

        // and none of their names, emails or phones is in what the tool printed, nor in the report
        List<String> pii = before.stream().flatMap(r -> Stream.of(r.get("first_name"), r.get("last_name"),
                r.get("email"), r.get("phone"))).filter(v -> v != null && v.toString().length() > 3)
                .map(Object::toString).toList();
        String report = reports();
        assertThat(output.getAll()).doesNotContain(KEY);
        assertThat(report).doesNotContain(KEY);
        for (String value : pii) {
            assertThat(output.getAll()).doesNotContain(value);
            assertThat(report).doesNotContain(value);
        }

        // and the verification finds nothing left in any store; a second run scrubs nothing and changes nothing
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(cli("verify", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
        List<Map<String, Object>> scrubbed = rows(purged);
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "OPS-26",
                "--new-run")).isZero();
        long again = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + again + " AND action = 'SCRUBBED'",
                null)).isZero();
        assertThat(rows(purged)).isEqualTo(scrubbed);
    }

    @Test
    void anAccountTheDatabaseRefusesIsFailedWholeAndRetryingItCompletesTheScrub(CapturedOutput output)
            throws Exception {
        // given users to scrub, one of whose rows the database refuses to scrub (a trigger, as a constraint would)
        List<String> users = neverLoggedIn().subList(0, 6);
        String refused = users.get(2);
        long lookups = count("SELECT count(*) FROM user_lookup WHERE user_id::text = ANY(?)", List.of(refused));
        jdbc.execute("CREATE FUNCTION refuse_scrub() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.id = '"
                + refused + "'::uuid AND NEW.status = 2 THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE ="
                + " '23514'; END IF; RETURN NEW; END $$");
        jdbc.execute("CREATE TRIGGER refuse_scrub BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse_scrub()");
        Path config = scrubbing(yaml -> yaml);
        try {
            // when they are purged
            int exit = cli("purge", "--config", config.toString(), "--input", csv(users).toString(), "--reason",
                    "OPS-26");

            // then the others are scrubbed, and the refused one is FAILED in the step log with nothing of its rows
            // changed: its row as it was, its lookups still there
            assertThat(exit).as(output.getAll()).isEqualTo(4);
            long run = count("SELECT max(run_id) FROM purge.candidate", null);
            assertThat(jdbc.queryForList("SELECT state FROM purge.candidate WHERE run_id = ? AND account_id = ?",
                    String.class, run, refused)).containsExactly("FAILED");
            assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND account_id = '"
                    + refused + "' AND store = 'postgres' AND action = 'FAILED'", null)).isPositive();
            assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?) AND status = 2", List.of(refused)))
                    .isZero();
            assertThat(count("SELECT count(*) FROM user_lookup WHERE user_id::text = ANY(?)", List.of(refused)))
                    .isEqualTo(lookups);
            assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?) AND status = 2", users))
                    .isEqualTo(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run
                            + " AND state = 'PURGED'", null));
        } finally {
            jdbc.execute("DROP TRIGGER IF EXISTS refuse_scrub ON users");
            jdbc.execute("DROP FUNCTION IF EXISTS refuse_scrub()");
        }

        // when the failed account is retried once the database takes it
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(cli("retry-failed", "--config", config.toString(), "--execution", String.valueOf(execution)))
                .as(output.getAll()).isZero();

        // then its row is scrubbed and its lookups are gone, and the verification finds nothing left
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?) AND status = 2 AND username = 'deleted-'"
                + " || id::text", List.of(refused))).isOne();
        assertThat(count("SELECT count(*) FROM user_lookup WHERE user_id::text = ANY(?)", List.of(refused))).isZero();
        long retried = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(cli("verify", "--config", config.toString(), "--execution", String.valueOf(retried))).isZero();
    }

    @Test
    void aScrubTheTableCannotTakeStopsThePurgeBeforeAnythingRuns(CapturedOutput output) throws Exception {
        // given one account to purge, and scrubs its table cannot take
        Path input = csv(neverLoggedIn().subList(0, 1));
        long users = count("SELECT count(*) FROM users WHERE username LIKE 'deleted-%'", null);
        Map<String, String> refused = Map.of(
                "- { column: first_name, as: value, value: \"Deleted\" }", "- { column: first_name, as: cleared }",
                "- { column: status, as: value, value: \"2\" }", "- { column: status, as: value, value: \"DELETED\" }",
                "- { column: username, as: value, value: \"deleted-{id}\" }",
                "- { column: username, as: value, value: \"gone\" }",
                "- { column: phone, as: cleared }", "- { column: mobile, as: cleared }");
        Map<String, String> said = Map.of(
                "first_name", "purge.scrub.user column first_name: it is NOT NULL and cannot be cleared",
                "DELETED", "purge.scrub.user: the scrub of users does not run",
                "gone", "purge.scrub.user column username: it has a unique index, and the value is the same for every"
                        + " account",
                "mobile", "purge.scrub.user column mobile: the table users has no such column");

        for (Map.Entry<String, String> change : refused.entrySet()) {
            // when a purge starts with one of them
            Path config = scrubbing(yaml -> replaced(yaml, change.getKey(), change.getValue()));
            int exit = cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "OPS-26");

            // then nothing runs, and the column is named
            String expected = said.entrySet().stream().filter(e -> change.getValue().contains(e.getKey())).findFirst()
                    .orElseThrow().getValue();
            assertThat(exit).as(change.getValue()).isEqualTo(2);
            assertThat(output.getAll()).contains(expected);
        }
        assertThat(count("SELECT count(*) FROM users WHERE username LIKE 'deleted-%'", null)).isEqualTo(users);

        // and a hashed column without a key is a configuration error
        Path keyless = scrubbing(yaml -> replaced(yaml, "    hash-key: ${PURGE_SCRUB_HASH_KEY}\n", ""));
        assertThat(cli("purge", "--config", keyless.toString(),
                "--input", input.toString(), "--reason", "OPS-26")).isEqualTo(2);
        assertThat(output.getAll()).contains("a column scrubbed as: hash needs purge.scrub.hash-key");
    }

    @Test
    void creatorsAreScrubbedAndTheirContentAndBatchesGoToAnAdminOfTheirSchoolOrTheyStayWhole(CapturedOutput output)
            throws Exception {
        // given content and batch creators nothing else retains, and, per content row and batch, the admin of the
        // creator's school the example's successor query picks now (none: the creator stays)
        List<String> creators = new ArrayList<>(seeded.manifest().userIds().get("contentCreators"));
        creators.addAll(seeded.manifest().userIds().get("batchCreators"));
        for (String kind : List.of("mentors", "orgAdmins", "platformAdmins", "supportStaff")) {
            creators.removeAll(seeded.manifest().userIds().get(kind));
        }
        creators.removeAll(jdbc.queryForList("SELECT user_id::text FROM group_member WHERE role IN ('owner', 'admin')",
                String.class));
        creators = creators.stream().distinct().toList();
        Map<String, String> admin = new java.util.HashMap<>(); // table:row id -> the admin picked (null: none)
        Map<String, String> creatorOf = new java.util.HashMap<>();
        for (String table : List.of("content", "course_batch")) {
            jdbc.query("SELECT r.id::text, r.created_by::text, (SELECT a.user_id::text FROM user_organisation m JOIN"
                    + " user_organisation a ON a.organisation_id = m.organisation_id WHERE m.user_id = r.created_by"
                    + " AND 'ORG_ADMIN' = ANY(a.roles) ORDER BY a.joined_at, a.user_id LIMIT 1) FROM " + table + " r"
                    + " WHERE r.created_by::text = ANY(?)", rs -> {
                creatorOf.put(table + ":" + rs.getString(1), rs.getString(2));
                admin.put(table + ":" + rs.getString(1), rs.getString(3));
            }, (Object) creators.toArray(String[]::new));
        }
        java.util.Set<String> staying = new java.util.HashSet<>();
        admin.forEach((row, picked) -> {
            if (picked == null) {
                staying.add(creatorOf.get(row));
            }
        });
        List<String> leaving = creators.stream().filter(id -> !staying.contains(id)).toList();
        assertThat(leaving).as("creators with an admin in their school").isNotEmpty();

        // when they are purged with the worked example
        assertThat(cli("purge", "--config", scrubbing(yaml -> yaml).toString(), "--input", csv(creators).toString(),
                "--reason", "OPS-26")).as(output.getAll()).isZero();

        // then those with an admin are scrubbed, and each of their content rows and batches is the admin's now
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?) AND status = 2 AND username ="
                + " 'deleted-' || id::text", leaving)).isEqualTo(leaving.size());
        admin.forEach((row, picked) -> {
            String[] tableAndId = row.split(":");
            String now = jdbc.queryForObject("SELECT created_by::text FROM " + tableAndId[0] + " WHERE id::text = ?",
                    String.class, tableAndId[1]);
            assertThat(now).as(row).isEqualTo(staying.contains(creatorOf.get(row)) ? creatorOf.get(row) : picked);
        });

        for (String table : List.of("content", "course_batch")) {
            assertThat(count("SELECT coalesce(sum(count), 0) FROM purge.step_log WHERE run_id = " + run + " AND target"
                    + " = '" + table + ".created_by' AND action = 'REASSIGNED'", null)).as(table)
                    .isEqualTo(creatorOf.entrySet().stream().filter(e -> e.getKey().startsWith(table + ":")
                            && !staying.contains(e.getValue())).count());
        }

        // and those a row finds no admin for stay whole, retained with the edge as reason, their row not scrubbed
        assertThat(jdbc.queryForList("SELECT DISTINCT account_id FROM purge.retention WHERE run_id = ? AND reason LIKE"
                + " 'no-successor:%'", String.class, run)).containsExactlyInAnyOrderElementsOf(staying);
        assertThat(count("SELECT count(*) FROM users WHERE id::text = ANY(?) AND status = 2", List.copyOf(staying)))
                .isZero();
    }

    List<String> neverLoggedIn() {
        List<String> ids = new ArrayList<>(seeded.manifest().userIds().get("neverLoggedIn"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "platformAdmins", "supportStaff")) {
            ids.removeAll(seeded.manifest().userIds().get(kind));
        }
        ids.removeAll(jdbc.queryForList("SELECT user_id::text FROM group_member WHERE role IN ('owner', 'admin')",
                String.class)); // the example hands their groups over; ScrubTest is about the rows
        return ids.stream().limit(12).toList();
    }

    List<Map<String, Object>> rows(List<String> ids) {
        return jdbc.queryForList("SELECT id::text, username, first_name, last_name, email, phone, status FROM users"
                + " WHERE id::text = ANY(?) ORDER BY id", (Object) ids.toArray(String[]::new));
    }

    static String hash(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((KEY + ":" + value).getBytes(StandardCharsets.UTF_8)));
    }

    /** Every file of the test's report directory, as one text. */
    static String reports() throws Exception {
        Path folder = Path.of("target/purge-reports-scrub");
        if (!Files.isDirectory(folder)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    /** The worked example with {@code edit} applied, its reports apart. */
    Path scrubbing(java.util.function.UnaryOperator<String> edit) throws Exception {
        return jobConfig(EXAMPLE, 5, yaml -> edit.apply(yaml
                .replace("report-directory: target/purge-reports-test", "report-directory: target/purge-reports-scrub")));
    }

    static String replaced(String yaml, String what, String by) {
        assertThat(yaml).contains(what);
        return yaml.replace(what, by);
    }

    /** The hash key as the environment gives it. */
    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = new java.util.HashMap<>(super.properties());
        properties.put("PURGE_SCRUB_HASH_KEY", KEY);
        return properties;
    }
}
