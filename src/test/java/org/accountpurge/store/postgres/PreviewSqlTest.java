package org.accountpurge.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.graph.DeletePlanner;
import org.accountpurge.graph.EdgeRule;
import org.accountpurge.graph.ForeignKey;
import org.accountpurge.graph.RootTable;
import org.accountpurge.store.TargetOutcome;
import org.junit.jupiter.api.Test;

/** What a dry run counts per statement: the rows it would act on in its place in the plan, not what is there now. */
class PreviewSqlTest {

    private static final RootTable USERS = new RootTable("user", "users", "id");

    private static ForeignKey fk(String table, String column, String ref) {
        return new ForeignKey(table + "_" + column + "_fkey", table, List.of(column), ref, List.of("id"), true, true);
    }

    @Test
    void aRowTheAccountsOwnDeleteRemovesEarlierIsNotCountedAsNulled() {
        // given notes deleted with their owner, whose author column is nulled (an author's notes about others stay)
        DeletePlan plan = DeletePlanner.plan(USERS, List.of(fk("notes", "user_id", "users"),
                fk("notes", "created_by", "users")), Map.of("notes.user_id", EdgeRule.DELETE, "notes.created_by",
                EdgeRule.SET_NULL), null);
        List<PlanStatements.Statement> statements = new PlanStatements("public", USERS, "uuid", Map.of(), Map.of())
                .statements(plan);

        // then the delete counts the owner's notes, and the set-null, which runs after it, only notes of owners not in
        // the chunk (a note by and of the same account goes once, as deleted)
        PlanStatements.Statement nulled = statements.stream().filter(s -> s.action() == TargetOutcome.Action.NULLED)
                .findFirst().orElseThrow();
        PlanStatements.Statement deleted = statements.stream().filter(s -> s.target().equals("notes")).findFirst()
                .orElseThrow();
        assertThat(statements.indexOf(deleted)).isLessThan(statements.indexOf(nulled));
        assertThat(nulled.previewSql()).contains("a0.\"created_by\" = acc.account_id AND NOT EXISTS (SELECT 1 FROM"
                + " purge_chunk x1_acc WHERE a0.\"user_id\" = x1_acc.account_id)");
        assertThat(deleted.previewSql()).doesNotContain("NOT EXISTS");
        // and what the verification counts as left is every row still pointing at the account
        assertThat(nulled.residueSql()).doesNotContain("NOT EXISTS");
    }
}
