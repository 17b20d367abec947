package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A wrong job configuration stops the application before any store is contacted (the servers named here do not
 * exist), with the key and what is wrong; unknown keys also name the file and line.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobConfigurationValidationTest {

    static final Map<String, Object> NOWHERE = Map.of("PURGE_PG_URL", "jdbc:postgresql://127.0.0.1:1/none",
            "PURGE_PG_USER", "none", "PURGE_PG_PASSWORD", "none", "PURGE_ES_URL", "http://127.0.0.1:1",
            "PURGE_KC_URL", "http://127.0.0.1:1", "PURGE_KC_CLIENT_SECRET", "none");

    @TempDir
    Path dir;

    @Test
    void invalidValuesAreNamedByKey(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("chunk-size: 100", "chunk-size: 0\n    load-sort-memory: 1TB; DROP TABLE users")
                .replace("    - name: platform-admin\n", "    - name: Platform Admin!\n");
        assertThatThrownBy(() -> start(yaml))
                .hasMessageContaining("purge.job.chunk-size: must be greater than or equal to 1")
                .hasMessageContaining("purge.job.load-sort-memory: must be a PostgreSQL memory size")
                .hasMessageContaining("purge.retention[3].name: must match")
                .hasMessageNotContaining("Connection refused");
        assertThat(output.getAll()).doesNotContain("\tat org.");
    }

    @Test
    void aWrongEnumValueListsTheAllowedOnesWithFileAndLine(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("match: field, field: userId", "match: fuzzy, field: userId");
        assertThatThrownBy(() -> start(yaml))
                .hasMessageContaining("purge.elasticsearch.indexes[2].match: must be one of id, field")
                .hasMessageContaining("bad.yml");
        String kc = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    user-match: id ", "    user-match: email ");
        assertThatThrownBy(() -> start(kc))
                .hasMessageContaining("purge.keycloak.user-match: must be one of id, username, attribute, database");
        assertThat(output.getAll()).doesNotContain("\tat org.");
    }

    @Test
    void searchCredentialsAreOneWayAndAnEngineIsOneOfTwo(CapturedOutput output) throws Exception {
        String reference = Files.readString(Path.of("jobs-config/reference-tenant.yml"));
        // a password without its user, and a user with an API key too
        assertThatThrownBy(() -> start(reference.replace("password: ${PURGE_ES_PASSWORD:}", "password: x")))
                .hasMessageContaining("purge.elasticsearch: set username and password together,"
                        + " or api-key alone, or none of them");
        assertThatThrownBy(() -> start(reference.replace("password: ${PURGE_ES_PASSWORD:}", "password: x")
                .replace("username: ${PURGE_ES_USER:}", "username: purge").replace("api-key: ${PURGE_ES_API_KEY:}",
                        "api-key: y")))
                .hasMessageContaining("set username and password together, or api-key alone");
        assertThatThrownBy(() -> start(reference.replace("url: ${PURGE_ES_URL}", "url: ${PURGE_ES_URL}\n"
                + "    engine: solr")))
                .hasMessageContaining("purge.elasticsearch.engine: must be one of auto, elasticsearch, opensearch");
        assertThat(output.getAll()).doesNotContain("\tat org.").doesNotContain(": x\n");
    }

    @Test
    void moreWorkersThanPartitionsIsRefused(CapturedOutput output) throws Exception {
        String reference = Files.readString(Path.of("jobs-config/reference-tenant.yml"));
        assertThatThrownBy(() -> start(reference.replace("chunk-size: 100", "chunk-size: 100\n    partitions: 2\n"
                + "    workers: 3"))).hasMessageContaining("purge.job.workers: workers must be at most partitions");
        assertThatThrownBy(() -> start(reference.replace("chunk-size: 100", "chunk-size: 100\n    partitions: 0")))
                .hasMessageContaining("purge.job.partitions: must be greater than or equal to 1");
        assertThat(output.getAll()).doesNotContain("\tat org.");
    }

    @Test
    void aRemoteSectionNeedsABrokerAQueueNameAndAPollBelowTheTimeout(CapturedOutput output) throws Exception {
        String reference = Files.readString(Path.of("jobs-config/reference-tenant.yml"));
        String remote = "chunk-size: 100\n    partitions: 4\n    remote:\n      password: hunter2-secret\n";
        assertThatThrownBy(() -> start(reference.replace("chunk-size: 100", remote + "      queue: x")))
                .hasMessageContaining("purge.job.remote.broker-url: must not be blank");
        assertThatThrownBy(() -> start(reference.replace("chunk-size: 100", remote
                + "      broker-url: tcp://127.0.0.1:1\n      queue: \"a queue; DROP\"")))
                .hasMessageContaining("purge.job.remote.queue: must be a queue name");
        assertThatThrownBy(() -> start(reference.replace("chunk-size: 100", remote
                + "      broker-url: tcp://127.0.0.1:1\n      poll-interval: 10m\n      worker-timeout: 5m")))
                .hasMessageContaining("poll-interval must be positive and below worker-timeout");
        assertThatThrownBy(() -> start(reference.replace("chunk-size: 100", remote
                + "      broker-url: tcp://127.0.0.1:1\n    workers: 4").replace("threads: 8", "threads: 2")))
                .hasMessageContaining("workers must be at most purge.keycloak.threads");
        assertThat(output.getAll()).doesNotContain("\tat org.").doesNotContain("hunter2-secret");
    }

    @Test
    void storesAndKindsAreOptionalButTheirRulesMustFit() throws Exception {
        String noKeycloak = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replaceAll("(?s)\n  keycloak:.*?timeout: 30s\n", "\n");
        assertThatThrownBy(() -> start(noKeycloak))
                .hasMessageContaining("keycloak-role and keycloak-group retention rules need the purge.keycloak section");
        String noOrgs = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    org: { table: organisation, id-column: id }\n", "");
        assertThatThrownBy(() -> start(noOrgs))
                .hasMessageContaining("retention rules, promotions and indexes may only apply to a kind named under purge.roots");
        String databaseMatch = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    user-match: id ", "    user-match: database ");
        assertThatThrownBy(() -> start(databaseMatch)).hasMessageContaining("user-match: database needs user-id-sql");
    }

    @Test
    void aTwoStatementUserIdSqlIsNamedAsSuchWithFileAndLine() throws Exception {
        // given user-id-sql of two statements (issue 24: it was reported as if user-id-sql were missing, with no file
        // and line; README: "errors name the key and what is wrong ... the file and line")
        String twoStatements = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    user-match: id ", "    user-match: database\n    user-id-sql: SELECT id, id FROM users"
                        + " WHERE id = ANY(:ids); DELETE FROM users\n    # ");
        assertThatThrownBy(() -> start(twoStatements))
                .hasMessageContaining("purge.keycloak.user-id-sql: must be exactly one statement")
                .hasMessageContaining("bad.yml] - " + (lineOf("    user-match: id ") + 1) + ":") // file, line, column
                .hasMessageNotContaining("needs user-id-sql");
        String noIds = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    user-match: id ", "    user-match: database\n    user-id-sql: SELECT id, id FROM users\n"
                        + "    # ");
        assertThatThrownBy(() -> start(noIds)).hasMessageContaining("purge.keycloak.user-id-sql: must use the parameter"
                + " :ids").hasMessageContaining("bad.yml");
    }

    @Test
    void unknownKeysAreNamedWithFileAndLine(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    user-match: id ", "    user-matc: id ");
        assertThatThrownBy(() -> start(yaml)).hasMessageContaining("unknown key purge.keycloak.user-matc")
                .hasMessageContaining("bad.yml");
    }

    @Test
    void anEdgeWithTwoRulesIsRefused(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("      - groups.created_by ", "      - groups.created_by\n      - user_notes.user_id ");
        assertThatThrownBy(() -> start(yaml)).hasMessageContaining("purge.edges: an edge may have only one rule");
    }

    @Test
    void aSuccessorQueryMustBeOfAReassignEdgeOneStatementReadingTheRowOrTheAccount() throws Exception {
        // given a successor query for an edge that is deleted, not reassigned
        String notReassigned = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    set-null:\n", "    successor-queries:\n      - edge: address.user_id\n"
                        + "        sql: SELECT id FROM users WHERE id <> :account\n    set-null:\n");
        assertThatThrownBy(() -> start(notReassigned)).hasMessageContaining("purge.edges: each successor-queries"
                + " entry names a reassign edge, and an edge only once");
        // and one of two statements, and one that reads neither the row nor the account
        String twoStatements = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    set-null:\n", "    reassign: [content.created_by]\n    successor-queries:\n"
                        + "      - edge: content.created_by\n        sql: SELECT id FROM users; DELETE FROM users\n"
                        + "    set-null:\n").replace("      - content.created_by             # content creators\n", "");
        assertThatThrownBy(() -> start(twoStatements))
                .hasMessageContaining("purge.edges.successor-queries[0]: the sql must be exactly one statement")
                .hasMessageContaining("the sql must use :row.column (the row being reassigned) or :account");
        // and a reassign edge with neither a successor query nor a successor
        String none = twoStatements.replace("    successor-queries:\n      - edge: content.created_by\n        sql:"
                + " SELECT id FROM users; DELETE FROM users\n", "");
        assertThatThrownBy(() -> start(none)).hasMessageContaining("reassign needs purge.edges.successor");
    }

    private void start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yml"), yaml);
        TenantContext.open(file, NOWHERE, TenantContext.Access.WRITE).close();
    }

    /** The line number (from 1) of the reference configuration's line that starts with {@code start}. */
    static int lineOf(String start) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("jobs-config/reference-tenant.yml"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line starts with " + start);
    }
}
