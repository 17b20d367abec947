package org.accountpurge.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.accountpurge.graph.ScrubColumn;
import org.junit.jupiter.api.Test;

class ScrubSqlTest {

    private final Map<String, ForeignKeyCatalog.Column> users = Map.of(
            "email", new ForeignKeyCatalog.Column("email", "character varying(255)", false, true, 255, true),
            "name", new ForeignKeyCatalog.Column("name", "text", true, true, null, false),
            "code", new ForeignKeyCatalog.Column("code", "character varying(16)", false, true, 16, false),
            "status", new ForeignKeyCatalog.Column("status", "smallint", true, false, null, false),
            "id", new ForeignKeyCatalog.Column("id", "uuid", true, false, null, true));

    @Test
    void aValueIsQuotedAndItsIdPlaceholderIsTheAccountIdCastToTheColumnsType() {
        // given a template with a quote in it
        ScrubSql sql = new ScrubSql(List.of(new ScrubColumn("email", ScrubColumn.As.VALUE, "o'gone-{id}@invalid")),
                users);

        // then the value is one SQL expression of the column's type, the quote doubled, the id the account's
        assertThat(sql.set()).isEqualTo("\"email\" = CAST('o''gone-' || acc.account_id::text || '@invalid' AS"
                + " character varying(255))");
        assertThat(sql.done()).startsWith("a0.\"email\" IS NOT DISTINCT FROM CAST(");
        assertThat(sql.hashes()).isFalse();
    }

    @Test
    void theHashKeyIsNeverInTheSqlAndAHashedOrNullValueIsLeftAlone() {
        ScrubSql sql = new ScrubSql(List.of(new ScrubColumn("email", ScrubColumn.As.HASH, null)), users);

        assertThat(sql.hashes()).isTrue();
        assertThat(sql.set()).contains("current_setting('" + ScrubSql.KEY_SETTING + "')")
                .contains("IS NULL OR a0.\"email\"::text ~ '^[0-9a-f]{64}$' THEN a0.\"email\"");
        assertThat(sql.done()).isEqualTo("(a0.\"email\" IS NULL OR a0.\"email\"::text ~ '^[0-9a-f]{64}$')");
    }

    @Test
    void whatATableCannotTakeIsNamedColumnByColumn() {
        ScrubSql sql = new ScrubSql(List.of(
                new ScrubColumn("name", ScrubColumn.As.CLEARED, null),
                new ScrubColumn("code", ScrubColumn.As.HASH, null),
                new ScrubColumn("status", ScrubColumn.As.HASH, null),
                new ScrubColumn("email", ScrubColumn.As.VALUE, "gone"),
                new ScrubColumn("id", ScrubColumn.As.VALUE, "{id}"),
                new ScrubColumn("mobile", ScrubColumn.As.CLEARED, null),
                new ScrubColumn("email", ScrubColumn.As.VALUE, "gone-{id}")), users);

        assertThat(sql.problems("purge.scrub.user", "users", java.util.Set.of("id"), false)).containsExactly(
                "purge.scrub.user column name: it is NOT NULL and cannot be cleared (scrub it as: value)",
                "purge.scrub.user column code: as: hash needs a text column of at least 64 characters (it is character"
                        + " varying(16))",
                "purge.scrub.user column status: as: hash needs a text column of at least 64 characters (it is"
                        + " smallint)",
                "purge.scrub.user column email: it has a unique index, and the value is the same for every account"
                        + " (put {id} in it)",
                "purge.scrub.user column id: it is the account id, which a scrubbed row keeps",
                "purge.scrub.user column mobile: the table users has no such column");
    }

    @Test
    void aDependantTableKeepsItsForeignKeyAndAnAccountsRowsCannotShareAUniqueValue() {
        // given a dependant table's scrub of its foreign key to the account, and {id} in a unique column
        ScrubSql sql = new ScrubSql(List.of(new ScrubColumn("id", ScrubColumn.As.CLEARED, null),
                new ScrubColumn("email", ScrubColumn.As.VALUE, "gone-{id}")), users);

        // then both are refused: the rows would lose their account, and an account's rows would collide
        assertThat(sql.problems("purge.scrub.user.tables notes", "notes", java.util.Set.of("id"), true))
                .containsExactly("purge.scrub.user.tables notes column id: it ties the rows to the account, which a"
                        + " scrubbed row keeps", "purge.scrub.user.tables notes column email: it has a unique index,"
                        + " and an account's rows would all get the same value");
    }
}
