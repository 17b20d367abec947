package org.accountpurge.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** Rows appended with COPY on the real PostgreSQL: every value arrives as it was, and the copy is part of the transaction. */
class CopyInTest {

    static final String TABLE = "copy_in_test_" + Long.toHexString(System.nanoTime());

    final StackEndpoints stack = TestStack.endpoints();
    final DataSource dataSource = new DriverManagerDataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    final JdbcTemplate jdbc = new JdbcTemplate(dataSource);

    @BeforeEach
    void createTable() {
        jdbc.execute("CREATE TABLE " + TABLE + " (id bigint, label text, note text)");
    }

    @AfterEach
    void dropTable() {
        jdbc.execute("DROP TABLE IF EXISTS " + TABLE);
    }

    @Test
    void hostileTextAndNullsArriveUnchanged() {
        // given values that would break a naive CSV or an unquoted field
        List<String> hostile = List.of("", "a,b", "say \"hi\"", "line\nbreak\r\n", "back\\slash", "\\N", "'; DROP TABLE x; --",
                "ünïcødé ✓", "\"", ",", "NULL");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            rows.add(new Object[] {(long) i, hostile.get(i), i % 2 == 0 ? null : hostile.get(i)});
        }

        // when they are copied
        long copied = CopyIn.rows(jdbc, TABLE, List.of("id", "label", "note"), rows);

        // then each row holds exactly its values; null is NULL and the empty text stays empty text
        assertThat(copied).isEqualTo(hostile.size());
        List<Map<String, Object>> read = jdbc.queryForList("SELECT id, label, note FROM " + TABLE + " ORDER BY id");
        assertThat(read).hasSize(hostile.size());
        for (int i = 0; i < hostile.size(); i++) {
            assertThat(read.get(i).get("label")).as("label of row %d", i).isEqualTo(hostile.get(i));
            assertThat(read.get(i).get("note")).as("note of row %d", i).isEqualTo(i % 2 == 0 ? null : hostile.get(i));
        }
        assertThat(CopyIn.rows(jdbc, TABLE, List.of("id", "label", "note"), List.of())).isZero();
    }

    @Test
    void aCopyInATransactionRolledBackLeavesNothing() throws Exception {
        // given a transaction on one connection
        try (SingleConnectionDataSource one = new SingleConnectionDataSource(stack.jdbcUrl(), stack.jdbcUser(),
                stack.jdbcPassword(), true)) {
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(one));
            JdbcTemplate inTx = new JdbcTemplate(one);

            // when rows are copied in it and it rolls back
            tx.executeWithoutResult(status -> {
                CopyIn.rows(inTx, TABLE, List.of("id", "label", "note"), List.<Object[]>of(new Object[] {1L, "x", null}));
                assertThat(inTx.queryForObject("SELECT count(*) FROM " + TABLE, Long.class)).isEqualTo(1L);
                status.setRollbackOnly();
            });
        }

        // then nothing was kept
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + TABLE, Long.class)).isZero();
    }

    @Test
    void aRowOfTheWrongWidthIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> CopyIn.rows(jdbc, TABLE, List.of("id", "label", "note"),
                List.<Object[]>of(new Object[] {1L, "x"}))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values for 3 columns");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + TABLE, Long.class)).isZero();
    }
}
