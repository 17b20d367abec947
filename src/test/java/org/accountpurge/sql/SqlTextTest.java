package org.accountpurge.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One statement or more, as PostgreSQL would split the text: semicolons in strings and comments do not count. */
class SqlTextTest {

    @Test
    void oneStatementIsKeptWithoutItsTrailingSemicolons() {
        assertThat(SqlText.singleStatement("SELECT id FROM users WHERE id = ANY(:ids)"))
                .isEqualTo("SELECT id FROM users WHERE id = ANY(:ids)");
        assertThat(SqlText.singleStatement("SELECT 1 ;  ; \n")).isEqualTo("SELECT 1");
    }

    @Test
    void aSecondStatementIsRefused() {
        assertThat(SqlText.singleStatement("SELECT id FROM users; COMMIT; INSERT INTO t VALUES (1)")).isNull();
        assertThat(SqlText.singleStatement("SELECT 1;DELETE FROM users")).isNull();
        assertThat(SqlText.singleStatement("SELECT 1; -- comment\nSELECT 2")).isNull();
        assertThat(SqlText.singleStatement("   ;  ")).isNull();
    }

    @Test
    void semicolonsInsideStringsIdentifiersDollarQuotesAndCommentsDoNotCount() {
        assertThat(SqlText.singleStatement("SELECT id FROM users WHERE name = 'a;b''c;' AND x = E'\\';'")).isNotNull();
        assertThat(SqlText.singleStatement("SELECT \"odd;name\" FROM t")).isNotNull();
        assertThat(SqlText.singleStatement("SELECT $q$ ; $q$, $$;$$ FROM t")).isNotNull();
        assertThat(SqlText.singleStatement("SELECT 1 /* ; /* nested ; */ ; */ -- ;\n FROM t")).isNotNull();
        assertThat(SqlText.singleStatement("SELECT 1 -- trailing ; comment")).isNotNull();
    }

    @Test
    void aStringThatHidesTheEndOfAnotherDoesNotFoolIt() {
        // the backslash escapes the quote only in an E'' string: here the string ends, and a statement follows
        assertThat(SqlText.singleStatement("SELECT 'a\\'; DELETE FROM users; --'")).isNull();
        assertThat(SqlText.singleStatement("SELECT $1; DELETE FROM users")).isNull();
    }
}
