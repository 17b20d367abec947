package org.accountpurge.store.postgres;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.account.AccountKind;
import org.accountpurge.config.PurgeProperties;
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
public record TenantPlan(String schema, DeletePlan plan, String idType, Map<String, String> otherSchemaTables) {

    /** @throws PlanException when the root is missing, an edge has no rule, or the rules cannot be ordered */
    public static TenantPlan read(DataSource dataSource, PurgeProperties config, AccountKind kind) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        String schema = config.postgres().schema();
        PurgeProperties.Root root = config.roots().of(kind);
        if (root == null) {
            throw new PlanException(kind.code(), List.of("purge.roots." + kind + " is not configured"));
        }
        String idType = ForeignKeyCatalog.columnType(jdbc, schema, root.table(), root.idColumn());
        if (idType == null) {
            throw new PlanException(kind.code(), List.of("purge.roots." + kind + ": the database has no column "
                    + schema + "." + root.table() + "." + root.idColumn()));
        }
        ForeignKeyCatalog.Keys foreignKeys = ForeignKeyCatalog.foreignKeys(jdbc, schema);
        DeletePlan plan = DeletePlanner.plan(new RootTable(kind.code(), root.table(), root.idColumn()),
                foreignKeys.keys(), config.edges().rules(), config.edges().defaultEdgeRule());
        return new TenantPlan(schema, plan, idType, foreignKeys.otherSchemaTables());
    }

    /** The SQL type of a kind's root id column, or null when it does not exist. */
    public static String idType(DataSource dataSource, PurgeProperties config, AccountKind kind) {
        PurgeProperties.Root root = config.roots().of(kind);
        return root == null ? null : ForeignKeyCatalog.columnType(new JdbcTemplate(dataSource), config.postgres().schema(), root.table(),
                root.idColumn());
    }
}
