package org.accountpurge.candidate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.support.TestStack;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loading on the real PostgreSQL: chunks of rows are staged (COPY), then frozen into the run's candidate set in one
 * sorted statement; the first line of an account wins wherever its repeats are, and freezing twice changes nothing.
 */
class CandidateFreezeTest {

    static final StackEndpoints stack = TestStack.endpoints();
    static DataSource dataSource;
    static JdbcTemplate jdbc;
    static TransactionTemplate tx;
    static CandidateStore candidates;

    @BeforeAll
    static void migrated() {
        dataSource = new SingleConnectionDataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword(), true);
        Flyway.configure().dataSource(dataSource).schemas("purge").locations("classpath:db/purge")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        candidates = new CandidateStore(jdbc);
    }

    static long newRun() {
        return -Math.abs(System.nanoTime() % 1_000_000_000L) - 1; // no job instance has a negative id
    }

    @Test
    void repeatsAcrossChunksAreRejectedNamingTheFirstLineAndFreezingAgainChangesNothing() {
        // given two committed chunks: a repeat inside the second, one of the first's accounts again, a rejected row;
        // and another run still loading
        long run = newRun();
        long other = run - 1;
        tx.executeWithoutResult(s -> candidates.stage(other, List.of(row(2, "user", "a"))));
        tx.executeWithoutResult(s -> candidates.stage(run, List.of(row(2, "user", "b"), row(3, "user", "a"),
                row(4, "org", "a"), InputRow.rejected(5, "blank line"))));
        tx.executeWithoutResult(s -> candidates.stage(run, List.of(row(6, "user", "c"), row(7, "user", "a"),
                row(8, "user", "c"), row(9, "org", "b"))));

        // when the run's input is frozen
        long added = tx.execute(s -> candidates.freeze(run, "64MB"));

        // then each account is a candidate once, from its first line; every repeat is rejected naming that line
        assertThat(added).isEqualTo(5);
        assertThat(candidateRows(run)).containsExactly(Map.entry("org/a", 4L), Map.entry("org/b", 9L),
                Map.entry("user/a", 3L), Map.entry("user/b", 2L), Map.entry("user/c", 6L));
        assertThat(rejected(run)).containsExactly(Map.entry(5L, "blank line"), Map.entry(7L, "duplicate of line 3"),
                Map.entry(8L, "duplicate of line 6"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.candidate_input WHERE run_id = ?", Long.class, run))
                .isZero();
        // and the other run's staged rows are still there; freezing it then empties the staging table
        assertThat(jdbc.queryForObject("SELECT count(*) FROM purge.candidate_input WHERE run_id = ?", Long.class, other))
                .isEqualTo(1);
        tx.execute(s -> candidates.freeze(other, "64MB"));
        assertThat(candidateRows(other)).containsExactly(Map.entry("user/a", 2L));

        // and freezing again (a restarted step whose commit was not recorded) adds and rejects nothing
        assertThat((long) tx.execute(s -> candidates.freeze(run, "64MB"))).isZero();
        assertThat(candidateRows(run)).hasSize(5);
        assertThat(rejected(run)).hasSize(3);
    }

    @Test
    void aChunkRolledBackStagesNothing() {
        // given a chunk whose transaction rolls back after staging (the step fails in it)
        long run = newRun();
        tx.executeWithoutResult(s -> {
            candidates.stage(run, List.of(row(2, "user", "x")));
            s.setRollbackOnly();
        });

        // when the run is frozen
        tx.execute(s -> candidates.freeze(run, "64MB"));

        // then nothing of that chunk is a candidate (the restarted step reads its lines again)
        assertThat(candidateRows(run)).isEmpty();
    }

    @Test
    void aRunWhoseLoadAnEarlierVersionStartedKeepsItsCandidatesAndRejectsTheirRepeats() {
        // given candidates an earlier version inserted directly, and the rest of the input staged after the upgrade
        long run = newRun();
        jdbc.update("INSERT INTO purge.candidate (run_id, kind, account_id, row_no) VALUES (?, 'user', 'a', 2)", run);
        tx.executeWithoutResult(s -> candidates.stage(run, List.of(row(3, "user", "b"), row(4, "user", "a"))));

        // when the run is frozen
        tx.execute(s -> candidates.freeze(run, "64MB"));

        // then the earlier candidate stays, the new one is added, the repeat is rejected
        assertThat(candidateRows(run)).containsExactly(Map.entry("user/a", 2L), Map.entry("user/b", 3L));
        assertThat(rejected(run)).containsExactly(Map.entry(4L, "duplicate of line 2"));
    }

    private static InputRow row(long rowNo, String kind, String id) {
        return new InputRow(rowNo, kind, id, null);
    }

    private static Map<String, Long> candidateRows(long run) {
        Map<String, Long> rows = new LinkedHashMap<>();
        jdbc.query("SELECT kind, account_id, row_no FROM purge.candidate WHERE run_id = ? ORDER BY kind, account_id",
                rs -> {
                    rows.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
                }, run);
        return rows;
    }

    private static Map<Long, String> rejected(long run) {
        Map<Long, String> rows = new LinkedHashMap<>();
        jdbc.query("SELECT row_no, reason FROM purge.rejected_row WHERE run_id = ? ORDER BY row_no", rs -> {
            rows.put(rs.getLong(1), rs.getString(2));
        }, run);
        return rows;
    }
}
