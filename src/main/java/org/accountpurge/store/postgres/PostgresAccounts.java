package org.accountpurge.store.postgres;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.Handover;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One kind of account in the tenant database: which accounts a protect edge or a SQL rule retains, and the
 * set-based purge of a chunk following the {@link DeletePlan}. The purge runs on the caller's transaction
 * (the chunk's); retention queries run on read-only sessions of their own ({@link ReadOnlyQueries}). Database errors
 * leave as {@link StoreException}, with the SQL state as error type (never the message: it may quote data).
 */
public final class PostgresAccounts implements AccountStore {

    static final String STORE = "postgres";

    private final ReadOnlyQueries readOnly;
    private final JdbcTemplate jdbc;
    private final TenantPlan plan;
    private final List<PlanStatements.Statement> statements;
    private final List<PlanStatements.Check> checks;
    private final Promotions promotions;
    /** Per scrubbed table (the root's own row first, when scrubbed), the SQL of its scrub. */
    private final Map<DeletePlan.Scrub, ScrubSql> scrubs = new LinkedHashMap<>();

    /** @param readOnly where protect checks and retention rules run (never on the chunk's connection) */
    public PostgresAccounts(DataSource dataSource, ReadOnlyQueries readOnly, TenantPlan plan) {
        this.readOnly = readOnly;
        this.jdbc = new JdbcTemplate(dataSource);
        this.plan = plan;
        PlanStatements sql = new PlanStatements(plan.schema(), plan.plan().root(), plan.idType(),
                plan.otherSchemaTables(), plan.columns());
        plan.plan().scrubs().forEach(s -> scrubs.put(s, sql.scrubSql(s)));
        this.statements = sql.statements(plan.plan());
        this.checks = sql.checks(plan.plan());
        this.promotions = new Promotions(jdbc, plan.promotions(), plan.idType());
    }

    /**
     * Why the configured scrubs cannot run (the preflight's words); empty when they can, or when the kind's rows are
     * deleted. Each scrub statement is explained on a read-only session too (a value its column's type cannot take is
     * refused there).
     */
    public List<String> scrubProblems() {
        org.accountpurge.graph.RootTable root = plan.plan().root();
        List<String> problems = new java.util.ArrayList<>();
        scrubs.forEach((scrub, sql) -> {
            boolean own = scrub.paths().isEmpty();
            String key = "purge.scrub." + root.kind() + (own ? "" : ".tables " + scrub.table());
            Set<String> kept = new HashSet<>(); // what ties the rows to the account
            if (own) {
                kept.add(root.idColumn());
            }
            scrub.paths().forEach(p -> kept.addAll(p.hops().get(0).columns()));
            List<String> found = sql.problems(key, scrub.table(), kept, !own);
            problems.addAll(found);
            if (found.isEmpty()) {
                statements.stream().filter(s -> s.action() == TargetOutcome.Action.SCRUBBED
                        && s.target().equals(scrub.table())).forEach(s -> {
                            try {
                                readOnly.ids("EXPLAIN " + s.sql(), List.of());
                            } catch (StoreException e) {
                                problems.add(key + ": the scrub of " + scrub.table() + " does not run ("
                                        + e.errorType() + ")");
                            }
                        });
            }
        });
        return problems.stream().distinct().toList();
    }

    /**
     * Why a successor query cannot run (the preflight's words): its update is explained, and its check that every row
     * has a successor is run for no account, both on a read-only session; empty when each can.
     */
    public List<String> successorProblems() {
        List<String> problems = new java.util.ArrayList<>();
        for (DeletePlan.Reassign r : plan.plan().reassigns().stream().filter(DeletePlan.Reassign::picked).toList()) {
            String edge = r.edge().edge();
            try {
                for (PlanStatements.Statement s : statements) {
                    if (s.action() == TargetOutcome.Action.REASSIGNED && s.target().equals(edge)) {
                        readOnly.ids("EXPLAIN " + s.sql(), List.of());
                    }
                }
                for (PlanStatements.Check check : checks) {
                    if (check.reason().equals(PlanStatements.noSuccessor(edge))) {
                        readOnly.ids(check.sql(), List.of());
                    }
                }
            } catch (StoreException e) {
                problems.add("purge.edges.successor-queries " + edge + ": the sql does not run (" + e.errorType()
                        + " " + org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e).getMessage()
                        + ")");
            }
        }
        return problems;
    }

    /** Why the configured promotions cannot run (the preflight's words); empty when they can. */
    public List<String> promotionProblems() {
        return promotions.problems(readOnly);
    }

    @Override
    public String name() {
        return STORE;
    }

    @Override
    public Phase phase() {
        return Phase.IN_DATABASE_TRANSACTION;
    }

    public TenantPlan plan() {
        return plan;
    }

    /** Account ids (of {@code ids}) that rows behind a protect edge retain, with the edge as reason. */
    public Map<String, Set<String>> protectedAccounts(List<String> ids) {
        Map<String, Set<String>> reasons = new LinkedHashMap<>();
        for (PlanStatements.Check check : checks) {
            for (String id : readOnly.ids(check.sql(), ids)) {
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
        return new HashSet<>(readOnly.ids(bindIds(sql), ids));
    }

    /** How many accounts of this kind the tenant has: the rows of the root table. */
    public long count() {
        List<String> n = readOnly.ids("SELECT count(*)::text FROM " + rootTable(), List.of());
        return Long.parseLong(n.get(0));
    }

    /** Those of {@code ids} that are an account of this kind now (ids not of the root id's form are not). */
    public Set<String> existing(List<String> ids) {
        org.accountpurge.account.IdFormat format = new org.accountpurge.account.IdFormat(plan.idType());
        List<String> wellFormed = ids.stream().map(format::normalise).filter(java.util.Objects::nonNull).toList();
        Set<String> found = new HashSet<>();
        if (!wellFormed.isEmpty()) {
            found.addAll(readOnly.ids("SELECT " + PlanStatements.quote(plan.plan().root().idColumn()) + "::text FROM "
                    + rootTable() + " WHERE " + PlanStatements.quote(plan.plan().root().idColumn()) + " = ANY(" + bindIds(":ids")
                    + ")", wellFormed));
        }
        // an id given in another form (upper-case uuid, leading zeros) is the same account
        Set<String> result = new HashSet<>();
        for (String id : ids) {
            String n = format.normalise(id);
            if (n != null && found.contains(n)) {
                result.add(id);
            }
        }
        return result;
    }

    /**
     * Those of {@code lowerCaseIds} that are an account's id in lower case (in one pass over the root table): for keys
     * a store keeps in lower case, whose account may be {@code Alice}.
     */
    public Set<String> existingIgnoringCase(java.util.Collection<String> lowerCaseIds) {
        if (lowerCaseIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(readOnly.ids("SELECT k FROM unnest(CAST(? AS text[])) AS s(k) WHERE k IN (SELECT lower("
                + PlanStatements.quote(plan.plan().root().idColumn()) + "::text) FROM " + rootTable() + ")",
                List.copyOf(lowerCaseIds)));
    }

    /** The root table's SQL name. */
    private String rootTable() {
        return PlanStatements.quote(plan.schema()) + "." + PlanStatements.quote(plan.plan().root().table());
    }

    private String bindIds(String sql) {
        return sql.replace(":ids", "CAST(? AS text[])::" + ForeignKeyCatalog.castType(plan.idType()) + "[]");
    }

    /**
     * Deletes (and nulls) every row of the chunk's accounts, table by table in plan order, one statement per
     * table and path, on the caller's transaction. Per target (table, or table.column for set-null) the outcome per
     * account.
     */
    @Override
    public StoreOutcomes remove(List<String> ids) {
        StoreOutcomes outcomes = promotions.promote(ids); // while the leaving admins' memberships are still there
        if (scrubs.values().stream().anyMatch(ScrubSql::hashes)) { // this transaction only, never in a statement's text
            jdbc.query("SELECT set_config('" + ScrubSql.KEY_SETTING + "', ?, true)", rs -> { },
                    plan.scrubKey().value());
        }
        for (PlanStatements.Statement statement : statements) {
            if (statement.action() == TargetOutcome.Action.REASSIGNED) {
                reassign(statement, ids, outcomes);
                continue;
            }
            outcomes.put(statement.target(), perAccount(statement.sql(), ids,
                    n -> TargetOutcome.of(statement.action(), n)));
        }
        return outcomes;
    }

    /** A reassign statement: per account the rows it handed over, and to whom ({@link Handover}). */
    private void reassign(PlanStatements.Statement statement, List<String> ids, StoreOutcomes outcomes) {
        Map<String, TargetOutcome> perAccount = new LinkedHashMap<>();
        ids.forEach(id -> perAccount.put(id, TargetOutcome.absent()));
        forEachRow(statement.sql(), ids, rs -> {
            perAccount.merge(rs.getString(1), TargetOutcome.reassigned(rs.getLong(2)), TargetOutcome::plus);
            outcomes.handedOver(new Handover(rs.getString(1), statement.target(), null, rs.getString(3),
                    rs.getLong(2)));
        });
        outcomes.put(statement.target(), perAccount);
    }

    /** Rows the plan would still delete or null, per target and account (committed data). */
    @Override
    public StoreOutcomes verify(List<String> ids) {
        StoreOutcomes outcomes = promotions.residue(ids);
        for (PlanStatements.Statement statement : statements) {
            outcomes.put(statement.target(), perAccount(statement.residueSql(), ids, TargetOutcome::present));
        }
        return outcomes;
    }

    /**
     * Per target, what the chunk's statements would do, each counted as it would run in its place in the plan (rows a
     * delete before it removes are not nulled, a row two paths reach is deleted once), and the promotions.
     */
    @Override
    public StoreOutcomes preview(List<String> ids) {
        StoreOutcomes outcomes = promotions.residue(ids).map((id, o) -> o.wouldBe(TargetOutcome.Action.PROMOTED));
        for (PlanStatements.Statement statement : statements) {
            outcomes.put(statement.target(), perAccount(statement.previewSql(), ids,
                    n -> TargetOutcome.of(statement.action(), n)));
        }
        return outcomes;
    }

    private Map<String, TargetOutcome> perAccount(String sql, List<String> ids,
                                                  java.util.function.LongFunction<TargetOutcome> outcome) {
        Map<String, TargetOutcome> perAccount = new LinkedHashMap<>();
        ids.forEach(id -> perAccount.put(id, TargetOutcome.absent()));
        forEachRow(sql, ids, rs -> {
            perAccount.merge(rs.getString(1), outcome.apply(rs.getLong(2)), TargetOutcome::plus);
        });
        return perAccount;
    }

    /** Runs {@code sql} on the caller's transaction with the ids as its one (text[]) parameter, row by row. */
    private void forEachRow(String sql, List<String> ids, org.springframework.jdbc.core.RowCallbackHandler rows) {
        try {
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement(sql);
                ps.setArray(1, con.createArrayOf("text", ids.toArray()));
                return ps;
            }, rows);
        } catch (DataAccessException e) {
            throw translate(e);
        }
    }

    /** A database error as the step log records it: the driver's exception class and SQL state, never the message. */
    static StoreException translate(DataAccessException e) {
        Throwable cause = e.getMostSpecificCause();
        String error = cause.getClass().getSimpleName();
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            error = error + " " + sql.getSQLState();
        }
        return new StoreException(STORE, "database statement failed: " + error, e, error);
    }
}
