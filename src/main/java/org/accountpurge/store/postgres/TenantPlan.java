package org.accountpurge.store.postgres;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.graph.DeletePlanner;
import org.accountpurge.graph.PlanException;
import org.accountpurge.graph.RootTable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The delete plan of one kind of account, derived now from the tenant database's catalog and the configured
 * edge rules, the SQL type of the root id column, and the SQL name of each table of another schema the plan may name
 * ({@code schema.table} in the plan).
 */
public record TenantPlan(String schema, DeletePlan plan, String idType, Map<String, String> otherSchemaTables,
                         List<PromotionRule> promotions, ScrubKey scrubKey,
                         Map<String, Map<String, ForeignKeyCatalog.Column>> columns) {

    public TenantPlan(String schema, DeletePlan plan, String idType, Map<String, String> otherSchemaTables) {
        this(schema, plan, idType, otherSchemaTables, List.of(), null, Map.of());
    }

    /** @throws PlanException when the root is missing, an edge has no rule, or the rules cannot be ordered */
    public static TenantPlan read(DataSource dataSource, KindSchema kind) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String schema = kind.schema();
        if (!kind.configured()) {
            throw new PlanException(kind.kind().code(), List.of("purge.roots." + kind.kind() + " is not configured"));
        }
        String idType = ForeignKeyCatalog.columnType(jdbc, schema, kind.table(), kind.idColumn());
        if (idType == null) {
            throw new PlanException(kind.kind().code(), List.of("purge.roots." + kind.kind() + ": the database has no"
                    + " column " + schema + "." + kind.table() + "." + kind.idColumn()));
        }
        ForeignKeyCatalog.Keys foreignKeys = ForeignKeyCatalog.foreignKeys(jdbc, schema);
        DeletePlan plan = DeletePlanner.plan(new RootTable(kind.kind().code(), kind.table(), kind.idColumn()),
                foreignKeys.keys(), kind.edgeRules(), kind.defaultEdgeRule(), kind.successor(),
                kind.successorQueries())
                .scrubbing(kind.scrub(), kind.scrubTables());
        Map<String, Map<String, ForeignKeyCatalog.Column>> columns = new java.util.LinkedHashMap<>();
        for (DeletePlan.Scrub scrub : plan.scrubs()) { // a table of another schema is named schema.table
            String[] name = scrub.table().contains(".") ? scrub.table().split("\\.", 2)
                    : new String[] {schema, scrub.table()};
            columns.put(scrub.table(), ForeignKeyCatalog.columns(jdbc, name[0], name[1]));
        }
        return new TenantPlan(schema, plan, idType, foreignKeys.otherSchemaTables(), kind.promotions(),
                kind.scrubKey(), columns);
    }

    /** The SQL type of a kind's root id column, or null when it does not exist. */
    public static String idType(DataSource dataSource, KindSchema kind) {
        return !kind.configured() ? null : ForeignKeyCatalog.columnType(new JdbcTemplate(dataSource), kind.schema(),
                kind.table(), kind.idColumn());
    }
}
