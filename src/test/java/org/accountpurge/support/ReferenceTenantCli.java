package org.accountpurge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.accountpurge.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A {@link RealStack} test class that drives the command line against the seeded reference tenant: the stack, the
 * tenant, a folder of its own per test, candidate files, and variants of {@code jobs-config/reference-tenant.yml}.
 */
public abstract class ReferenceTenantCli {

    protected static ProxiedStack proxied;
    protected static JdbcTemplate jdbc;

    @TempDir
    protected Path dir;
    protected SeededTenant seeded;

    @BeforeAll
    static void stack(ProxiedStack stack) {
        proxied = stack;
        jdbc = stack.jdbc();
    }

    @BeforeEach
    void tenant(SeededTenant tenant) {
        seeded = tenant;
    }

    /** The command line's exit code for {@code argv}, run against the stack. */
    protected int cli(String... argv) {
        return Main.execute(argv, properties());
    }

    /** What fills the job configuration's placeholders: the stack's addresses and credentials. */
    protected java.util.Map<String, Object> properties() {
        return proxied.properties(RealStackExtension.SECRET);
    }

    /** A number the tenant database answers, {@code ids} bound to the one parameter (as text[]) when given. */
    protected static long count(String sql, List<String> ids) {
        Long n = ids == null ? jdbc.queryForObject(sql, Long.class)
                : jdbc.queryForObject(sql, Long.class, (Object) ids.toArray(String[]::new));
        return n == null ? 0 : n;
    }

    /** A candidate file of user ids. */
    protected Path csv(List<String> userIds) throws Exception {
        StringBuilder csv = new StringBuilder("account_id,kind\n");
        userIds.forEach(id -> csv.append(id).append(",user\n"));
        return Files.writeString(dir.resolve("users-" + UUID.randomUUID().toString().substring(0, 8) + ".csv"),
                csv.toString());
    }

    /**
     * The reference configuration with chunks of {@code chunkSize}, reports in {@code target/purge-reports-test}, and
     * {@code edit} applied; the edit must change it.
     */
    protected Path referenceConfig(int chunkSize, UnaryOperator<String> edit) throws Exception {
        return jobConfig("reference-tenant.yml", chunkSize, yaml -> {
            String edited = edit.apply(yaml);
            assertThat(edited).as("the edited configuration").isNotEqualTo(yaml);
            return edited;
        });
    }

    /** A shipped job configuration ({@code jobs-config/file}) as {@link #referenceConfig} changes it. */
    protected Path jobConfig(String file, int chunkSize, UnaryOperator<String> edit) throws Exception {
        String shipped = Files.readString(Path.of("jobs-config", file))
                .replace("chunk-size: 100", "chunk-size: " + chunkSize)
                .replace("report-directory: target/purge-reports", "report-directory: target/purge-reports-test");
        return Files.writeString(dir.resolve("config-" + UUID.randomUUID().toString().substring(0, 8) + ".yml"),
                edit.apply(shipped));
    }

    /**
     * A run's end: nothing of it left pending, and every purged account deleted once (one DELETED row of its root table
     * in the step log), however many partitions or workers it went through.
     */
    protected static void assertEachPurgedAccountDeletedOnce(long run) {
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PENDING'",
                null)).isZero();
        assertThat(count("SELECT count(*) FROM (SELECT account_id FROM purge.step_log WHERE run_id = " + run
                + " AND store = 'postgres' AND action = 'DELETED' AND target IN ('users', 'organisation')"
                + " GROUP BY kind, account_id HAVING count(*) > 1) twice", null)).isZero();
        assertThat(count("SELECT count(*) FROM purge.step_log WHERE run_id = " + run + " AND store = 'postgres' AND"
                + " action = 'DELETED' AND target = 'users'", null)).isEqualTo(count("SELECT count(*) FROM"
                + " purge.candidate WHERE run_id = " + run + " AND kind = 'user' AND state = 'PURGED'", null));
    }
}
