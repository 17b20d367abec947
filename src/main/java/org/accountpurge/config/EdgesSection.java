package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.accountpurge.graph.EdgeRule;
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
 */
public record EdgesSection(@NotNull @DefaultValue List<String> delete, @NotNull @DefaultValue List<String> setNull,
                           @NotNull @DefaultValue List<String> protect, @NotNull @DefaultValue List<String> reassign,
                           @Valid @NotNull @DefaultValue Successor successor,
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

    @AssertTrue(message = "reassign needs purge.edges.successor: the account of the kind its rows go to")
    public boolean isSuccessorNamed() {
        return reassign.isEmpty() || successor.user() != null || successor.org() != null;
    }

    @AssertTrue(message = "edges are named table.column (schema.table.column for a table of another schema than"
            + " purge.postgres.schema; table.a+b for a composite key)")
    public boolean isWellFormed() {
        return rules().keySet().stream().allMatch(e -> e.matches("([^.\\s]+\\.)?[^.\\s]+\\.[^.\\s]+"));
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
