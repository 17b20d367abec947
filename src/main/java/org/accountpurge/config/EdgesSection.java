package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.accountpurge.graph.EdgeRule;
import org.accountpurge.sql.SqlText;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * A rule per foreign-key edge ({@code table.column}, composite keys {@code table.a+b}).
 *
 * @param defaultRule rule of edges listed nowhere; none means such edges stop the job before it deletes anything
 * @param delete  foreign-key edges ({@code table.column}) whose referencing rows are deleted with the account
 * @param setNull edges whose column is set to NULL, the row kept
 * @param protect edges that retain an account with such a row (reason {@code fk:table.column})
 * @param reassign edges to the account's own row whose column is pointed at the kind's successor account, the row
 *                 kept (content, batches, created-by columns outlive their creator)
 * @param successor per kind, the account reassigned rows go to
 * @param successorQueries per reassign edge, a query that picks each row's successor instead (the org's admin, the
 *                         row's co-owner); an account one of its rows finds no successor for is retained, reason
 *                         {@code no-successor:table.column}
 */
public record EdgesSection(@NotNull @DefaultValue List<String> delete, @NotNull @DefaultValue List<String> setNull,
                           @NotNull @DefaultValue List<String> protect, @NotNull @DefaultValue List<String> reassign,
                           @Valid @NotNull @DefaultValue Successor successor,
                           @NotNull @DefaultValue List<@Valid SuccessorQuery> successorQueries,
                           @Name("default") @Pattern(regexp = "delete|set-null|protect") String defaultRule) {

    /** Rule per edge name. */
    public Map<String, EdgeRule> rules() {
        Map<String, EdgeRule> rules = new LinkedHashMap<>();
        delete.forEach(e -> rules.put(e.trim(), EdgeRule.DELETE));
        setNull.forEach(e -> rules.put(e.trim(), EdgeRule.SET_NULL));
        protect.forEach(e -> rules.put(e.trim(), EdgeRule.PROTECT));
        reassign.forEach(e -> rules.put(e.trim(), EdgeRule.REASSIGN));
        return rules;
    }

    public EdgeRule defaultEdgeRule() {
        return defaultRule == null ? null : EdgeRule.parse(defaultRule);
    }

    @AssertTrue(message = "an edge may have only one rule: it is listed more than once under delete, set-null,"
            + " protect and reassign")
    public boolean isEachEdgeOnce() {
        List<String> all = new ArrayList<>(delete);
        all.addAll(setNull);
        all.addAll(protect);
        all.addAll(reassign);
        return new HashSet<>(all.stream().map(String::trim).toList()).size() == all.size();
    }

    @AssertTrue(message = "reassign needs purge.edges.successor (the account of the kind its rows go to) or a"
            + " successor query for each reassigned edge")
    public boolean isSuccessorNamed() {
        return successor.user() != null || successor.org() != null
                || successorQueryByEdge().keySet().containsAll(reassign.stream().map(String::trim).toList());
    }

    @AssertTrue(message = "each successor-queries entry names a reassign edge, and an edge only once")
    public boolean isEachSuccessorQueryOfAReassignEdge() {
        List<String> edges = successorQueries.stream().map(q -> q.edge() == null ? "" : q.edge().trim()).toList();
        return new HashSet<>(edges).size() == edges.size()
                && reassign.stream().map(String::trim).toList().containsAll(edges);
    }

    /** The successor query per reassign edge that has one. */
    public Map<String, String> successorQueryByEdge() {
        Map<String, String> queries = new LinkedHashMap<>();
        successorQueries.stream().filter(q -> q.edge() != null && q.sql() != null)
                .forEach(q -> queries.put(q.edge().trim(), SqlText.singleStatement(q.sql())));
        return queries;
    }

    @AssertTrue(message = "edges are named table.column (schema.table.column for a table of another schema than"
            + " purge.postgres.schema; table.a+b for a composite key)")
    public boolean isWellFormed() {
        return rules().keySet().stream().allMatch(e -> e.matches("([^.\\s]+\\.)?[^.\\s]+\\.[^.\\s]+"));
    }

    /**
     * A query that picks the successor of each row of a reassign edge, in place of the kind's fixed successor. It
     * reads the row being reassigned as {@code :row.column} and the account leaving as {@code :account}; the first
     * account it returns that is neither the account leaving nor purged in the same chunk (nor NULL) takes the row.
     * It runs inside the update, so it must be one SELECT; a row it finds nobody for keeps its account (retained,
     * reason {@code no-successor:table.column}).
     *
     * @param edge the reassign edge ({@code table.column}) whose rows it picks for
     * @param sql  one SELECT returning account ids, best first (an ORDER BY picks which)
     */
    public record SuccessorQuery(@NotBlank String edge, @NotBlank String sql) {

        @AssertTrue(message = "the sql must be exactly one statement")
        public boolean isOneStatement() {
            return sql == null || SqlText.singleStatement(sql) != null;
        }

        @AssertTrue(message = "the sql must use :row.column (the row being reassigned) or :account (the account"
                + " leaving)")
        public boolean isReadingTheRowOrTheAccount() {
            return sql == null || sql.contains(":row.") || sql.contains(":account");
        }
    }

    /**
     * The account of each kind that {@code reassign} edges point their rows at: a row of the kind's root table the
     * operator keeps for it (a "ghost" or archive account). It is never purged: a candidate with its id is retained,
     * reason {@code successor}; the preflight refuses one the database does not have.
     *
     * @param user the successor of user accounts
     * @param org  the successor of org accounts
     */
    public record Successor(String user, String org) {

        /** The kind's successor, or null. */
        public String of(AccountKind kind) {
            String id = kind == AccountKind.USER ? user : org;
            return id == null || id.isBlank() ? null : id.strip();
        }
    }
}
