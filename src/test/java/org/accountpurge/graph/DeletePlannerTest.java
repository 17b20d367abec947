package org.accountpurge.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeletePlannerTest {

    private static final RootTable USERS = new RootTable("user", "users", "id");

    private static ForeignKey fk(String table, String column, String ref, boolean nullable) {
        return new ForeignKey(table + "_" + column + "_fkey", table, List.of(column), ref, List.of("id"), nullable, true);
    }

    private final List<ForeignKey> schema = List.of(
            fk("users", "managed_by", "users", true),
            fk("notes", "user_id", "users", false),
            fk("notes", "updated_by", "users", true),
            fk("attachment", "note_id", "notes", false),
            fk("content", "created_by", "users", false),
            fk("address", "user_id", "users", true),
            fk("education", "user_id", "users", false),
            fk("education", "address_id", "address", true),
            fk("orders", "org_id", "orgs", false));

    private Map<String, EdgeRule> rules() {
        Map<String, EdgeRule> r = new HashMap<>();
        r.put("users.managed_by", EdgeRule.SET_NULL);
        r.put("notes.user_id", EdgeRule.DELETE);
        r.put("notes.updated_by", EdgeRule.SET_NULL);
        r.put("attachment.note_id", EdgeRule.DELETE);
        r.put("content.created_by", EdgeRule.PROTECT);
        r.put("address.user_id", EdgeRule.DELETE);
        r.put("education.user_id", EdgeRule.DELETE);
        r.put("education.address_id", EdgeRule.SET_NULL);
        return r;
    }

    @Test
    void aRuleNoKindsDeletionReachesIsReportedEvenASetNullOnANotNullColumn() {
        // given a comment table behind content (protected: its rows are never deleted), whose NOT NULL content_id is
        // ruled set-null, and a rule for orders, which reach only orgs (issue 24: README said such a set-null is
        // refused, and it was accepted silently because the edge is never reached)
        List<ForeignKey> keys = new java.util.ArrayList<>(schema);
        keys.add(fk("comment", "content_id", "content", false));
        Map<String, EdgeRule> rules = rules();
        rules.put("comment.content_id", EdgeRule.SET_NULL);
        rules.put("orders.org_id", EdgeRule.DELETE);
        DeletePlan users = DeletePlanner.plan(USERS, keys, rules, null);

        // then with users the only kind both rules are named as doing nothing; the used ones are not
        assertThat(DeletePlanner.unusedRules(rules, List.of(users))).containsExactly(
                "purge.edges.set-null names comment.content_id, which no configured kind's deletion reaches (its rows"
                        + " hang off rows that are protected, nulled or of no configured kind): the rule would do"
                        + " nothing; remove it",
                "purge.edges.delete names orders.org_id, which no configured kind's deletion reaches (its rows hang"
                        + " off rows that are protected, nulled or of no configured kind): the rule would do nothing;"
                        + " remove it");
        // and with orgs configured too, the orders rule is used by the orgs' plan
        DeletePlan orgs = DeletePlanner.plan(new RootTable("org", "orgs", "id"), keys, rules, null);
        assertThat(DeletePlanner.unusedRules(rules, List.of(users, orgs))).singleElement().asString()
                .contains("comment.content_id");
    }

    @Test
    void aReassignEdgeMovesItsRowsToTheSuccessorJustBeforeTheRootIsDeleted() {
        // given content whose creator is reassigned to a successor account instead of protecting the creator
        Map<String, EdgeRule> rules = rules();
        rules.put("content.created_by", EdgeRule.REASSIGN);

        // when the plan is made with a successor
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules, null, "ghost-1");

        // then nothing protects a creator, the content rows go to the successor before anything is deleted (a
        // successor query sees the whole account), the users row last, and the edge counts as used
        assertThat(plan.protect()).isEmpty();
        assertThat(plan.reassigns()).singleElement().satisfies(r -> {
            assertThat(r.edge().edge()).isEqualTo("content.created_by");
            assertThat(r.successor()).isEqualTo("ghost-1");
        });
        List<DeletePlan.Operation> ops = plan.operations();
        assertThat(ops.get(ops.size() - 1)).isEqualTo(new DeletePlan.Delete("users", List.of()));
        assertThat(ops.get(0)).isInstanceOf(DeletePlan.Reassign.class);
        assertThat(plan.deletedTables()).doesNotContain("content");
        assertThat(DeletePlanner.unusedRules(rules, List.of(plan))).isEmpty();
    }

    @Test
    void aReassignEdgeNeedsASuccessorAndAnEdgeToTheAccountsOwnRow() {
        // given a reassign rule on content, and one on an edge to notes (not to the account's own row)
        Map<String, EdgeRule> rules = rules();
        rules.put("content.created_by", EdgeRule.REASSIGN);
        rules.put("attachment.note_id", EdgeRule.REASSIGN);

        // then without a successor both are refused, each saying why; with one, the edge to notes still is
        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, rules, null))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("reassign on content.created_by, but user accounts have no successor: set"
                        + " purge.edges.successor.user")
                .hasMessageContaining("reassign on attachment.note_id, but it references notes [id]: only an edge to"
                        + " the account's own row (users.id) can be reassigned to a successor account");
        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, rules, null, "ghost-1"))
                .hasMessageContaining("attachment.note_id").hasMessageNotContaining("content.created_by");
        // and a successor query for the content edge is a successor too
        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, rules, null, null,
                Map.of("content.created_by", "SELECT 1")))
                .hasMessageContaining("attachment.note_id").hasMessageNotContaining("content.created_by");
    }

    @Test
    void aReassignEdgeWithASuccessorQueryPicksPerRowAndTheOthersGoToTheFixedSuccessor() {
        // given two reassign edges, one of them with a query picking each row's successor
        Map<String, EdgeRule> rules = rules();
        rules.put("content.created_by", EdgeRule.REASSIGN);
        rules.put("groups.owner_id", EdgeRule.REASSIGN);
        String query = "SELECT admin_id FROM org_admins WHERE org_id = :row.org_id";

        // when planned with a fixed successor as well
        List<ForeignKey> keys = new java.util.ArrayList<>(schema);
        keys.add(fk("groups", "owner_id", "users", true));
        DeletePlan plan = DeletePlanner.plan(USERS, keys, rules, null, "ghost-1", Map.of("groups.owner_id", query));

        // then the query's edge is picked per row, the other goes to the fixed successor
        assertThat(plan.reassigns()).extracting(r -> r.edge().edge(), DeletePlan.Reassign::successor,
                DeletePlan.Reassign::successorQuery).containsExactly(
                org.assertj.core.groups.Tuple.tuple("content.created_by", "ghost-1", null),
                org.assertj.core.groups.Tuple.tuple("groups.owner_id", null, query));
    }

    @Test
    void ordersReferencingRowsBeforeWhatTheyReferenceAndTheRootLast() {
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules(), null);

        List<String> tables = plan.deletedTables();
        assertThat(tables).containsExactlyInAnyOrder("users", "notes", "attachment", "address", "education");
        assertThat(tables.indexOf("attachment")).isLessThan(tables.indexOf("notes"));
        assertThat(tables.indexOf("education")).isLessThan(tables.indexOf("address"));
        assertThat(tables.get(tables.size() - 1)).isEqualTo("users");
    }

    @Test
    void multiLevelTablesReachTheRootThroughTheirParent() {
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules(), null);

        DeletePlan.Operation attachment = plan.operations().stream().filter(o -> o.table().equals("attachment")).findFirst().orElseThrow();
        assertThat(attachment.paths()).hasSize(1);
        assertThat(attachment.paths().get(0).hops()).extracting(ForeignKey::edge)
                .containsExactly("attachment.note_id", "notes.user_id");
    }

    @Test
    void setNullRunsAfterItsTableIsDeletedAndBeforeItsTarget() {
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules(), null);

        List<String> ops = plan.operations().stream().map(o -> (o instanceof DeletePlan.SetNull s ? "null " + s.edge().edge()
                : "delete " + o.table())).toList();
        assertThat(ops.indexOf("null education.address_id")).isGreaterThan(ops.indexOf("delete education"))
                .isLessThan(ops.indexOf("delete address"));
        assertThat(ops.indexOf("null users.managed_by")).isEqualTo(ops.indexOf("delete users") - 1);
        assertThat(ops.indexOf("null notes.updated_by")).isEqualTo(ops.indexOf("delete users") - 2);
    }

    @Test
    void protectEdgesBecomeRetentionChecksAndAreNotFollowed() {
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules(), null);

        assertThat(plan.protect()).extracting(DeletePlan.ProtectCheck::reason).containsExactly("fk:content.created_by");
        assertThat(plan.deletedTables()).doesNotContain("content");
    }

    @Test
    void refusesEveryUnruledEdgeReachableFromTheRoot() {
        Map<String, EdgeRule> r = rules();
        r.remove("notes.user_id");
        r.remove("content.created_by");

        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, r, null))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("no rule for foreign key edge(s) content.created_by, notes.user_id")
                .hasMessageNotContaining("orders.org_id");
    }

    @Test
    void unruledEdgeBehindAnUnruledEdgeIsReportedToo() {
        Map<String, EdgeRule> r = rules();
        r.remove("notes.user_id");
        r.remove("attachment.note_id");

        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, r, null))
                .hasMessageContaining("attachment.note_id, notes.user_id");
    }

    @Test
    void defaultRuleCoversUnruledEdges() {
        Map<String, EdgeRule> r = rules();
        r.remove("attachment.note_id");

        assertThat(DeletePlanner.plan(USERS, schema, r, EdgeRule.DELETE).deletedTables()).contains("attachment");
    }

    @Test
    void refusesSetNullOnNotNullColumnAndRulesForMissingEdges() {
        Map<String, EdgeRule> r = rules();
        r.put("notes.user_id", EdgeRule.SET_NULL);
        r.put("notes.typo_column", EdgeRule.DELETE);

        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, r, null))
                .hasMessageContaining("set-null on notes.user_id, but the column is NOT NULL")
                .hasMessageContaining("a rule names notes.typo_column, but the database has no such foreign key");
    }

    @Test
    void refusesDeleteCycles() {
        Map<String, EdgeRule> r = rules();
        r.put("users.managed_by", EdgeRule.DELETE);

        assertThatThrownBy(() -> DeletePlanner.plan(USERS, schema, r, null))
                .hasMessageContaining("cycle through delete edges users.managed_by");
    }

    @Test
    void refusesCyclesBetweenTables() {
        List<ForeignKey> cyclic = List.of(fk("a", "user_id", "users", false), fk("b", "a_id", "a", false),
                fk("a", "b_id", "b", true));
        Map<String, EdgeRule> r = Map.of("a.user_id", EdgeRule.DELETE, "b.a_id", EdgeRule.DELETE, "a.b_id", EdgeRule.DELETE);

        assertThatThrownBy(() -> DeletePlanner.plan(USERS, cyclic, r, null))
                .hasMessageContaining("cycle through delete edges").hasMessageContaining("a.b_id");
        // breaking the cycle with set-null gives a plan
        Map<String, EdgeRule> broken = Map.of("a.user_id", EdgeRule.DELETE, "b.a_id", EdgeRule.DELETE, "a.b_id", EdgeRule.SET_NULL);
        assertThat(DeletePlanner.plan(USERS, cyclic, broken, null).deletedTables()).containsExactly("b", "a", "users");
    }

    @Test
    void warnsAboutUnindexedForeignKeys() {
        List<ForeignKey> s = List.of(new ForeignKey("n", "notes", List.of("user_id"), "users", List.of("id"), false, false));

        assertThat(DeletePlanner.plan(USERS, s, Map.of("notes.user_id", EdgeRule.DELETE), null).warnings())
                .containsExactly("foreign key notes.user_id has no index: every chunk scans its table");
    }

    @Test
    void aScrubbedRootKeepsItsRowAndEverythingElseOfThePlan() {
        // given the plan of the schema, and a scrub of the users' email
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules(), null);
        List<ScrubColumn> columns = List.of(new ScrubColumn("email", ScrubColumn.As.CLEARED, null));

        // when the root is scrubbed
        DeletePlan scrubbed = plan.scrubbingRoot(columns);

        // then users is no longer deleted but scrubbed, in the root's place (last), and nothing else changed
        assertThat(plan.deletedTables()).endsWith("users");
        assertThat(scrubbed.deletedTables()).isEqualTo(plan.deletedTables().subList(0,
                plan.deletedTables().size() - 1));
        assertThat(scrubbed.operations().get(scrubbed.operations().size() - 1))
                .isEqualTo(new DeletePlan.Scrub("users", columns));
        assertThat(scrubbed.scrub()).isPresent();
        assertThat(scrubbed.protect()).isEqualTo(plan.protect());
        assertThat(scrubbed.reassigns()).isEqualTo(plan.reassigns());

        // and without columns the plan deletes the root as before
        assertThat(plan.scrubbingRoot(List.of())).isSameAs(plan);
        assertThat(plan.scrub()).isEmpty();
    }

    @Test
    void aDependantTableIsScrubbedInPlaceOnlyWhenEveryRowItHangsOffIsKept() {
        // given the plan of users, whose notes hang off users and attachments off notes
        DeletePlan plan = DeletePlanner.plan(USERS, schema, rules(), null);
        List<ScrubColumn> root = List.of(new ScrubColumn("email", ScrubColumn.As.CLEARED, null));
        List<ScrubColumn> text = List.of(new ScrubColumn("body", ScrubColumn.As.CLEARED, null));

        // when the root and its notes are scrubbed, then notes are scrubbed along their paths where they were
        // deleted, and their attachments still go
        DeletePlan scrubbed = plan.scrubbing(root, Map.of("notes", text));
        int at = plan.operations().indexOf(plan.operations().stream().filter(o -> o.table().equals("notes")
                && o instanceof DeletePlan.Delete).findFirst().orElseThrow());
        assertThat(scrubbed.operations().get(at)).isEqualTo(new DeletePlan.Scrub("notes", text,
                plan.operations().get(at).paths()));
        assertThat(scrubbed.deletedTables()).contains("attachment").doesNotContain("notes", "users");
        assertThat(scrubbed.scrubs()).extracting(DeletePlan.Scrub::table).containsExactlyInAnyOrder("notes", "users");

        // and attachments cannot be kept while their notes go, nor notes while their user goes, nor a table the
        // deletion does not reach
        assertThatThrownBy(() -> plan.scrubbing(root, Map.of("attachment", text))).isInstanceOf(PlanException.class)
                .hasMessageContaining("attachment cannot keep its rows: they hang off rows of notes, which are deleted");
        assertThatThrownBy(() -> plan.scrubbing(List.of(), Map.of("notes", text)))
                .hasMessageContaining("notes cannot keep its rows: they hang off rows of users, which are deleted"
                        + " (scrub users (the root) too");
        assertThatThrownBy(() -> plan.scrubbing(root, Map.of("orders", text)))
                .hasMessageContaining("orders is not a table whose rows the account's deletion removes");
    }
}
