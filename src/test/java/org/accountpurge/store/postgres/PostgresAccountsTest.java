package org.accountpurge.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.graph.DeletePlanner;
import org.accountpurge.graph.EdgeRule;
import org.accountpurge.graph.RootTable;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.TargetOutcome;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The database store on the real PostgreSQL, with a root id column of a bounded type. */
class PostgresAccountsTest {

    static final String SCHEMA = "short_ids_" + Long.toHexString(System.nanoTime());

    final StackEndpoints stack = TestStack.endpoints();
    final DataSource dataSource = new DriverManagerDataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    final JdbcTemplate jdbc = new JdbcTemplate(dataSource);

    @BeforeEach
    void createTenant() {
        jdbc.execute("CREATE SCHEMA " + SCHEMA);
        jdbc.execute("CREATE TABLE " + SCHEMA + ".member (id varchar(3) PRIMARY KEY, code char(2) UNIQUE)");
        jdbc.execute("CREATE TABLE " + SCHEMA + ".badge (member_id varchar(3) NOT NULL REFERENCES " + SCHEMA
                + ".member(id))");
        jdbc.execute("INSERT INTO " + SCHEMA + ".member VALUES ('abc', 'ab'), ('xy', 'xy'), ('Mx', 'mx')");
        jdbc.execute("INSERT INTO " + SCHEMA + ".badge VALUES ('abc'), ('xy')");
    }

    @AfterEach
    void dropTenant() {
        jdbc.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    void anIdLongerThanTheColumnNamesNoAccountInsteadOfTheOneItsFirstCharactersName() {
        // given members 'abc' and 'xy' of a varchar(3) id column, each with a badge
        String idType = ForeignKeyCatalog.columnType(jdbc, SCHEMA, "member", "id");
        assertThat(idType).isEqualTo("character varying(3)");
        TenantPlan plan = new TenantPlan(SCHEMA, DeletePlanner.plan(new RootTable("user", "member", "id"),
                ForeignKeyCatalog.foreignKeys(jdbc, SCHEMA).keys(), Map.of("badge.member_id", EdgeRule.DELETE), null),
                idType, Map.of());

        try (ReadOnlyQueries readOnly = new ReadOnlyQueries(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword())) {
            PostgresAccounts store = new PostgresAccounts(dataSource, readOnly, plan);

            // when ids that a cast to varchar(3) would cut to 'abc' (and 'xy' padded) are purged and looked up
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            var outcomes = tx.execute(s -> store.remove(List.of("abcd", "abc-1", "xy ")));

            // then nothing of anybody was deleted: no such account
            assertThat(outcomes.byTarget().get("member")).containsOnly(Map.entry("abcd", TargetOutcome.absent()),
                    Map.entry("abc-1", TargetOutcome.absent()), Map.entry("xy ", TargetOutcome.absent()));
            assertThat(jdbc.queryForList("SELECT id FROM " + SCHEMA + ".member ORDER BY id", String.class))
                    .containsExactlyInAnyOrder("Mx", "abc", "xy");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM " + SCHEMA + ".badge", Long.class)).isEqualTo(2);
            assertThat(store.existing(List.of("abcd", "abc", "xy", "mx"))).containsExactlyInAnyOrder("abc", "xy");
            // and a key a store keeps in lower case ('mx', a Keycloak username) is account 'Mx'
            assertThat(store.existingIgnoringCase(List.of("mx", "abc", "zz"))).containsExactlyInAnyOrder("mx", "abc");
        }
    }
}
