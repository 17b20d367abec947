package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.accountpurge.audit.PurgedIdHashing;
import org.accountpurge.account.AccountKind;
import org.accountpurge.support.CaseFilesTenant;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A deployment that must not keep the ids of purged accounts ({@code purge.audit.id-hash-key}): after the run, its
 * tables and report hold only keyed hashes of them; retained accounts keep their ids; the key is never printed.
 */
@ExtendWith(OutputCaptureExtension.class)
class HashedIdsTest {

    static final String KEY = "k-" + "0123456789abcdef0123456789abcdef" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void aCompletedRunKeepsOnlyKeyedHashesOfThePurgedIds(CapturedOutput output) throws Exception {
        // given the case-files tenant, a configuration that hashes purged ids with a key from the environment, and
        // a CSV of people 1..10 and an id nobody has
        CaseFilesTenant tenant = CaseFilesTenant.create(TestStack.endpoints(), "casefiles_hashed", List.of());
        Path config = Files.writeString(dir.resolve("hashed.yml"), Files.readString(Path.of(
                "src/test/resources/tenants/case-files-database-only.yml")) + "  audit:\n    id-hash-key:"
                + " ${PURGE_ID_HASH_KEY}\n");
        StringBuilder csv = new StringBuilder("person_id,kind\n");
        LongStream.rangeClosed(1, 10).forEach(i -> csv.append(i).append(",user\n"));
        Path input = Files.writeString(dir.resolve("people.csv"), csv.append("999,user\n"));
        Map<String, Object> env = new java.util.HashMap<>(tenant.databaseProperties());

        // when the key is too short, then the configuration is refused
        env.put("PURGE_ID_HASH_KEY", "short");
        assertThat(Main.execute(new String[] {"purge", "--config", config.toString(), "--input", input.toString(),
                "--reason", "case files"}, env)).isEqualTo(2);
        assertThat(output.getAll()).contains("purge.audit.id-hash-key: must be at least 32 characters");

        // when the purge runs with a proper key
        env.put("PURGE_ID_HASH_KEY", KEY);
        assertThat(Main.execute(new String[] {"purge", "--config", config.toString(), "--input", input.toString(),
                "--reason", "case files"}, env)).isZero();

        // then the run's candidates and step log hold the hash of each purged (and not found) id, never the id
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        List<String> hashed = tenant.texts("SELECT account_id FROM purge.candidate WHERE state IN ('PURGED',"
                + " 'NOT_FOUND') ORDER BY 1");
        assertThat(hashed).hasSize(9).allMatch(id -> id.startsWith("hmac:"));
        List<String> expected = LongStream.concat(LongStream.rangeClosed(1, 10), LongStream.of(999))
                .filter(i -> i != CaseFilesTenant.APPROVER && i != CaseFilesTenant.ADMIN)
                .mapToObj(i -> PurgedIdHashing.hash(key, AccountKind.USER, String.valueOf(i))).sorted().toList();
        assertThat(hashed).containsExactlyElementsOf(expected);
        assertThat(tenant.count("SELECT count(*) FROM purge.step_log WHERE account_id NOT LIKE 'hmac:%' AND"
                + " account_id NOT IN ('" + CaseFilesTenant.APPROVER + "', '" + CaseFilesTenant.ADMIN + "')"))
                .isZero();
        // and the retained keep their ids (they still exist), with their reasons
        assertThat(tenant.texts("SELECT account_id FROM purge.candidate WHERE state = 'RETAINED' ORDER BY 1"))
                .containsExactlyInAnyOrder(String.valueOf(CaseFilesTenant.APPROVER),
                        String.valueOf(CaseFilesTenant.ADMIN));

        // and the report lists hashes, and nothing printed or written holds the key
        long execution = tenant.count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
        long run = tenant.count("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id = "
                + execution);
        Path folder;
        try (var c = tenant.connection()) {
            folder = org.accountpurge.audit.ReportFolder.of(Path.of("target/purge-reports-test"),
                    org.accountpurge.audit.ReportFolder.tenant(new org.springframework.jdbc.core.JdbcTemplate(
                            new org.springframework.jdbc.datasource.SingleConnectionDataSource(c, true))), run, execution);
        }
        List<String> purged = Files.readAllLines(folder.resolve("purged.csv"));
        assertThat(purged).hasSize(1 + 8).allMatch(line -> line.equals("kind,account_id") || line.startsWith("user,hmac:"));
        assertThat(output.getAll()).doesNotContain(KEY);
        assertThat(Files.readString(folder.resolve("report.json"))).doesNotContain(KEY);
    }
}
