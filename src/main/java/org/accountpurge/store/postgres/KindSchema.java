package org.accountpurge.store.postgres;

import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.accountpurge.graph.EdgeRule;

/**
 * What the database side of one kind of account is configured as: the tenant's schema, the kind's root table and id
 * column ({@code purge.roots.<kind>}; null when the tenant has no such accounts), and the rule of each foreign-key
 * edge ({@code purge.edges}).
 *
 * @param defaultEdgeRule the rule of an edge none names; null: such an edge is a configuration error
 * @param successor       the account of this kind that {@code reassign} edges point their rows at; null: none
 * @param successorQueries per reassign edge, the query picking each row's successor instead
 * @param promotions      who takes over a group an account of this kind is the last admin of
 * @param scrub           the columns of the account's own row to scrub, the row kept; empty: the row is deleted
 * @param scrubTables     dependant tables whose rows are kept and scrubbed (their columns, by table)
 * @param scrubKey        the key of hashed columns ({@code purge.scrub.hash-key}); null when none
 */
public record KindSchema(AccountKind kind, String schema, String table, String idColumn,
                         Map<String, EdgeRule> edgeRules, EdgeRule defaultEdgeRule, String successor,
                         Map<String, String> successorQueries,
                         java.util.List<PromotionRule> promotions,
                         java.util.List<org.accountpurge.graph.ScrubColumn> scrub,
                         Map<String, java.util.List<org.accountpurge.graph.ScrubColumn>> scrubTables,
                         ScrubKey scrubKey) {

    public KindSchema {
        edgeRules = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(edgeRules));
        successorQueries = Map.copyOf(successorQueries);
        promotions = java.util.List.copyOf(promotions);
        scrub = java.util.List.copyOf(scrub);
        scrubTables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scrubTables));
    }

    /** Whether the tenant has accounts of this kind. */
    public boolean configured() {
        return table != null;
    }
}
