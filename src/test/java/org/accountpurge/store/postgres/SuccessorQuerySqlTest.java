package org.accountpurge.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.graph.ForeignKey;
import org.accountpurge.graph.RootTable;
import org.junit.jupiter.api.Test;

/** The SQL a successor query becomes: inside the update of the edge's rows, and inside the no-successor check. */
class SuccessorQuerySqlTest {

    private final PlanStatements sql = new PlanStatements("public", new RootTable("user", "users", "id"), "uuid",
            Map.of(), Map.of());
    private final DeletePlan.Reassign batches = new DeletePlan.Reassign(new ForeignKey("fk", "course_batch",
            List.of("created_by"), "users", List.of("id"), false, true), null,
            "SELECT a.user_id FROM memberships a WHERE a.org_id = :row.org_id AND a.user_id <> :account"
                    + " AND a.t::accounts IS NOT NULL ORDER BY a.joined_at");

    @Test
    void theRowAndTheAccountAreTheUpdatedRowAndTheAccountLeaving() {
        // when the successor is picked for the chunk's update
        String pick = sql.pick(batches, " <> ALL (SELECT account_id FROM purge_chunk)");

        // then :row.column is the reassigned row's column, :account the account leaving (a '::' cast and a longer
        // name are left alone), the answer is cast to the id's type, and the first one outside the chunk is taken
        assertThat(pick).contains("a.org_id = purge_row.org_id AND a.user_id <> purge_acc.account_id")
                .contains("a.t::accounts IS NOT NULL")
                .startsWith("(SELECT CAST(purge_pick.successor AS uuid) FROM (SELECT a.user_id FROM memberships a")
                .endsWith(") AS purge_pick(successor) WHERE CAST(purge_pick.successor AS uuid) <> ALL (SELECT"
                        + " account_id FROM purge_chunk) LIMIT 1)");
    }

    @Test
    void anAccountWithARowNobodyIsFoundForIsRetainedNamingTheEdge() {
        // when the plan's checks are made
        DeletePlan plan = new DeletePlan(new RootTable("user", "users", "id"), List.of(), List.of(batches), List.of(),
                java.util.Set.of());
        List<PlanStatements.Check> checks = sql.checks(plan);

        // then one retains, with the edge as reason, the accounts a row of which finds no successor but themselves
        assertThat(checks).singleElement().satisfies(check -> {
            assertThat(check.reason()).isEqualTo("no-successor:course_batch.created_by");
            assertThat(check.sql()).startsWith("WITH purge_chunk(account_id) AS (SELECT unnest(CAST(? AS text[])::uuid[]))")
                    .contains("WHERE purge_row.\"created_by\" = purge_acc.account_id AND (SELECT")
                    .endsWith("<> purge_acc.account_id LIMIT 1) IS NULL");
        });
        // and the update changes only rows a successor is found for
        assertThat(sql.statements(plan)).singleElement().satisfies(s -> assertThat(s.sql())
                .contains("UPDATE \"public\".\"course_batch\" purge_row SET \"created_by\" = (SELECT")
                .contains("LIMIT 1) IS NOT NULL RETURNING purge_acc.account_id"));
    }
}
