package org.accountpurge.store.postgres;

import java.sql.PreparedStatement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.store.TargetOutcome;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One kind of account in the tenant database: which accounts a protect edge or a SQL rule retains, and the
 * set-based purge of a chunk following the {@link DeletePlan}. The purge runs on the caller's transaction
 * (the chunk's); retention queries run on read-only sessions of their own ({@link ReadOnlyQueries}).
 */
public final class PostgresAccounts {

    static final String STORE = "postgres";

    private final ReadOnlyQueries readOnly;
    private final JdbcTemplate jdbc;
    private final TenantPlan plan;
    private final List<PlanStatements.Statement> statements;
    private final List<PlanStatements.Check> checks;

    /** @param readOnly where protect checks and retention rules run (never on the chunk's connection) */
    public PostgresAccounts(DataSource dataSource, ReadOnlyQueries readOnly, TenantPlan plan) {
        this.readOnly = readOnly;
        this.jdbc = new JdbcTemplate(dataSource);
        this.plan = plan;
        PlanStatements sql = new PlanStatements(plan.schema(), plan.plan().root(), plan.idType());
        this.statements = sql.statements(plan.plan());
        this.checks = sql.checks(plan.plan());
    }

    public TenantPlan plan() {
        return plan;
    }

    /** Account ids (of {@code ids}) that rows behind a protect edge retain, with the edge as reason. */
    public Map<String, Set<String>> protectedAccounts(List<String> ids) {
        Map<String, Set<String>> reasons = new LinkedHashMap<>();
        for (PlanStatements.Check check : checks) {
            for (String id : readOnlyQuery(check.sql(), ids)) {
                reasons.computeIfAbsent(id, k -> new HashSet<>()).add(check.reason());
            }
        }
        return reasons;
    }

    /**
     * Runs a retention rule's query (one statement) with {@code :ids} bound to the chunk's ids (an array of the root
     * id type) on a read-only session, and returns the ids it selects.
     */
    public Set<String> ruleMatches(String sql, List<String> ids) {
        String bound = sql.replace(":ids", "CAST(? AS text[])::" + plan.idType() + "[]");
        return new HashSet<>(readOnlyQuery(bound, ids));
    }

    private List<String> readOnlyQuery(String sql, List<String> ids) {
        return readOnly.ids(sql, ids);
    }

    /**
     * Deletes (and nulls) every row of the chunk's accounts, table by table in plan order, one statement per
     * table and path. Returns per target (table, or table.column for set-null) the outcome per account.
     */
    public Map<String, Map<String, TargetOutcome>> purge(List<String> ids) {
        Map<String, Map<String, TargetOutcome>> outcomes = new LinkedHashMap<>();
        for (PlanStatements.Statement statement : statements) {
            Map<String, TargetOutcome> perAccount = outcomes.computeIfAbsent(statement.target(), t -> {
                Map<String, TargetOutcome> m = new LinkedHashMap<>();
                ids.forEach(id -> m.put(id, TargetOutcome.absent()));
                return m;
            });
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement(statement.sql());
                ps.setArray(1, con.createArrayOf("text", ids.toArray()));
                return ps;
            }, rs -> {
                String id = rs.getString(1);
                long n = rs.getLong(2);
                TargetOutcome done = statement.delete() ? TargetOutcome.deleted(n) : TargetOutcome.nulled(n);
                perAccount.merge(id, done, TargetOutcome::plus);
            });
        }
        return outcomes;
    }
}
