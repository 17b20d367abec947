package org.accountpurge.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.accountpurge.store.postgres.CopyIn;
import org.accountpurge.store.ErrorClass;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The per-account, per-store, per-target record of a run ({@code purge.step_log}). What an external store
 * (Elasticsearch, Keycloak) did is committed at once, in its own transaction, so it survives a rollback of the
 * chunk; what PostgreSQL did is written in the chunk's transaction, so it is there exactly when the deletes are.
 */
public class StepLog {

    public static final String STARTED = "STARTED";

    /**
     * The accounts of a run ({@code ?}) left FAILED — kind, account id, and the store, target and error class of the
     * last failure the step log has for each — in kind and id order.
     */
    public static final String FAILED_ACCOUNTS = """
            SELECT c.kind, c.account_id, l.store, l.target, l.error_class
              FROM purge.candidate c
              LEFT JOIN LATERAL (SELECT store, target, error_class FROM purge.step_log s
                                  WHERE s.run_id = c.run_id AND s.kind = c.kind AND s.account_id = c.account_id
                                    AND s.action = 'FAILED' ORDER BY s.id DESC LIMIT 1) l ON true
             WHERE c.run_id = ? AND c.state = 'FAILED' ORDER BY c.kind, c.account_id
            """;

    /**
     * Of a run's ({@code ?}) FAILED accounts, those a later run purged since (a {@code retry-failed}, or any later
     * purge of the same account): kind, account id, and the latest such run.
     */
    public static final String REDRIVEN = """
            SELECT c.kind, c.account_id, max(later.run_id)
              FROM purge.candidate c
              JOIN purge.candidate later ON later.kind = c.kind AND later.account_id = c.account_id
                                        AND later.run_id > c.run_id AND later.state IN ('PURGED', 'NOT_FOUND')
             WHERE c.run_id = ? AND c.state = 'FAILED'
             GROUP BY c.kind, c.account_id
            """;

    /** Counter of accounts per kind, store, target and outcome: {@code account_purge_outcomes_total} in Prometheus. */
    public static final String OUTCOMES = "account.purge.outcomes";

    private static final List<String> HANDOVER_COLUMNS = List.of("run_id", "job_execution_id", "kind", "account_id",
            "target", "item", "successor", "count");
    private static final List<String> COLUMNS = List.of("run_id", "job_execution_id", "kind", "account_id", "store",
            "target", "action", "count", "error_class");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final MeterRegistry meters;

    /** @param meters where each outcome is counted once it is committed */
    public StepLog(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.meters = meters;
    }

    /** Where the rows of one chunk go: the run (job instance), the execution, the kind of account. */
    public record Context(long runId, long jobExecutionId, AccountKind kind) {
    }

    /** Before a store is called for these accounts: a crash after this row leaves "started, outcome unknown". */
    public void started(Context ctx, String store, List<String> accountIds) {
        List<Object[]> rows = new ArrayList<>();
        accountIds.forEach(id -> rows.add(row(ctx, id, store, "*", STARTED, 0, null)));
        ownTransaction.executeWithoutResult(s -> insert(rows));
    }

    /** Outcomes of an external store for every target of one call, committed now in one transaction (one batch). */
    public void committed(Context ctx, String store, StoreOutcomes outcomes) {
        ownTransaction.executeWithoutResult(s -> insert(rows(ctx, store, outcomes)));
        count(ctx, store, outcomes);
    }

    /**
     * Outcomes of the tenant database for every target of one call, in the chunk's transaction (one batch), and what
     * the accounts handed over ({@code purge.handover}).
     */
    public void inTransaction(Context ctx, String store, StoreOutcomes outcomes) {
        insert(rows(ctx, store, outcomes));
        if (!outcomes.handovers().isEmpty()) {
            List<Object[]> handovers = new ArrayList<>();
            outcomes.handovers().forEach(h -> handovers.add(new Object[] {ctx.runId(), ctx.jobExecutionId(),
                    ctx.kind().code(), h.accountId(), h.target(), h.item(), h.successor(), h.count()}));
            CopyIn.rows(jdbc, "purge.handover", HANDOVER_COLUMNS, handovers);
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count(ctx, store, outcomes);
                }
            });
        } else {
            count(ctx, store, outcomes);
        }
    }

    /**
     * What a store would do to these accounts (a dry run's {@code preview}), in the chunk's transaction: per account
     * and target where it would act, a {@code WOULD_DELETE}, {@code WOULD_NULL}, {@code WOULD_REASSIGN},
     * {@code WOULD_PROMOTE}, {@code WOULD_SCRUB} or {@code WOULD_DISABLE} row with the count. Nothing is counted as
     * done.
     */
    public void previewed(Context ctx, String store, StoreOutcomes outcomes) {
        List<Object[]> rows = new ArrayList<>();
        outcomes.byTarget().forEach((target, perAccount) -> perAccount.forEach((id, o) -> {
            String would = WOULD.get(o.action());
            if (would != null && o.count() > 0) {
                rows.add(row(ctx, id, store, target, would, o.count(), null));
            }
        }));
        if (!rows.isEmpty()) {
            insert(rows);
        }
    }

    /** The step-log action of a dry run's outcome: what a real run would do. */
    public static final Map<TargetOutcome.Action, String> WOULD = Map.of(TargetOutcome.Action.DELETED, "WOULD_DELETE",
            TargetOutcome.Action.NULLED, "WOULD_NULL", TargetOutcome.Action.REASSIGNED, "WOULD_REASSIGN",
            TargetOutcome.Action.PROMOTED, "WOULD_PROMOTE", TargetOutcome.Action.SCRUBBED, "WOULD_SCRUB",
            TargetOutcome.Action.DISABLED, "WOULD_DISABLE");

    /**
     * Of these accounts, those an earlier attempt of this run called the store for without learning what it did: a
     * {@code STARTED} row of an earlier attempt (the one being made wrote the latest) with no outcome after it, or a
     * failure whose answer never came ({@link ErrorClass#isUnanswered}). A store that now finds such an account
     * absent may have removed it then.
     */
    public java.util.Set<String> unanswered(Context ctx, String store, List<String> accountIds) {
        java.util.Set<String> unknown = new java.util.HashSet<>();
        Map<String, List<String[]>> rows = new java.util.HashMap<>();
        jdbc.query("SELECT account_id, action, error_class FROM purge.step_log WHERE run_id = ? AND kind = ? AND store"
                + " = ? AND account_id = ANY(?) ORDER BY id", rs -> {
                    rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(2), rs.getString(3)});
                }, ctx.runId(), ctx.kind().code(), store, accountIds.toArray(String[]::new));
        rows.forEach((id, log) -> {
            int current = -1; // this attempt's STARTED row: the latest
            for (int i = 0; i < log.size(); i++) {
                if (STARTED.equals(log.get(i)[0])) {
                    current = i;
                }
            }
            boolean open = false; // an earlier attempt's STARTED not followed by any outcome
            for (int i = 0; i < log.size(); i++) {
                String action = log.get(i)[0];
                if (i == current) {
                    if (open) {
                        unknown.add(id);
                    }
                } else if (STARTED.equals(action)) {
                    open = true;
                } else {
                    open = false;
                    if (TargetOutcome.Action.FAILED.name().equals(action) && ErrorClass.isUnanswered(log.get(i)[1])) {
                        unknown.add(id);
                    }
                }
            }
        });
        return unknown;
    }

    /** A whole request failed for all these accounts; committed now. */
    public void failed(Context ctx, String store, String target, List<String> accountIds, String errorClass) {
        List<Object[]> rows = new ArrayList<>();
        accountIds.forEach(id -> rows.add(row(ctx, id, store, target, TargetOutcome.Action.FAILED.name(), 0, errorClass)));
        ownTransaction.executeWithoutResult(s -> insert(rows));
        count(ctx, store, target, java.util.Collections.nCopies(accountIds.size(), TargetOutcome.Action.FAILED.name()));
    }

    /** One increment per account and outcome, tagged kind, store, target and outcome. */
    private void count(Context ctx, String store, String target, List<String> actions) {
        Map<String, Long> perAction = new java.util.TreeMap<>();
        actions.forEach(a -> perAction.merge(a.toLowerCase(java.util.Locale.ROOT), 1L, Long::sum));
        perAction.forEach((action, n) -> meters.counter(OUTCOMES, "kind", ctx.kind().code(), "store", store, "target",
                target, "outcome", action).increment(n));
    }

    private void count(Context ctx, String store, StoreOutcomes outcomes) {
        outcomes.byTarget().forEach((target, perAccount) -> count(ctx, store, target,
                perAccount.values().stream().flatMap(o -> rowsOf(o).stream()).map(o -> o.action().name()).toList()));
    }

    private static List<Object[]> rows(Context ctx, String store, StoreOutcomes outcomes) {
        List<Object[]> rows = new ArrayList<>();
        outcomes.byTarget().forEach((target, perAccount) -> perAccount.forEach((id, outcome) -> rowsOf(outcome)
                .forEach(o -> rows.add(row(ctx, id, store, target, o.action().name(), o.count(), o.errorClass())))));
        return rows;
    }

    /**
     * The step-log rows of one outcome: a failure that went with deletions (documents deleted before another was
     * refused) is two rows, what went first and then the failure, so that nothing removed is recorded nowhere.
     */
    static List<TargetOutcome> rowsOf(TargetOutcome outcome) {
        return outcome.alongside() == null ? List.of(outcome) : List.of(outcome.alongside(), outcome);
    }

    private static Object[] row(Context ctx, String accountId, String store, String target, String action, long count,
                                String errorClass) {
        return new Object[] {ctx.runId(), ctx.jobExecutionId(), ctx.kind().code(), accountId, store, target, action, count,
                errorClass};
    }

    private void insert(List<Object[]> rows) {
        CopyIn.rows(jdbc, "purge.step_log", COLUMNS, rows);
    }
}
