package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.accountpurge.audit.StepLog;
import org.accountpurge.candidate.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.retention.RetentionCheck;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Removes a chunk of accounts of one kind from every configured store, in the order that never strands an account:
 * retention is checked again (a chunk may have changed since the retain step); every store locks the accounts out
 * (Keycloak: disabled, sessions ended); then each store removes them, phase by phase — before the database
 * (Elasticsearch), in the chunk's transaction (the database rows), after it (the Keycloak user, before the
 * transaction commits) — and the candidates are marked done in that same transaction. Every outcome goes to the step
 * log; any failure fails the chunk (its database work rolls back) and the step. Each call is idempotent, so a restart
 * simply does the chunk again.
 *
 * <p>The stores and the retention rules are set up when the step starts ({@link Setup}), so the delete plan is the
 * database's as it is then; so are the run, the execution and whether it is a dry run.
 */
public class AccountPurgeWriter implements ItemWriter<Candidate>, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(AccountPurgeWriter.class);

    /** What purges a chunk: the retention check and the stores (in any order: they are sorted by phase). */
    public record Setup(RetentionCheck retention, List<AccountStore> stores) {
        public Setup {
            stores = stores.stream().sorted(Comparator.comparing(AccountStore::phase)).toList();
        }
    }

    private final AccountKind kind;
    private final Supplier<Setup> setup;
    private final CandidateStore candidates;
    private final StepLog stepLog;

    private StepLog.Context context;
    private Setup stores;
    private ExecutionContext timings;
    private boolean dryRun;
    private Progress progress;

    /** @param setup called when each step execution starts */
    public AccountPurgeWriter(AccountKind kind, Supplier<Setup> setup, CandidateStore candidates, StepLog stepLog) {
        this.kind = kind;
        this.setup = setup;
        this.candidates = candidates;
        this.stepLog = stepLog;
    }

    @Override
    public void beforeStep(StepExecution step) {
        context = new StepLog.Context(step.getJobExecution().getJobInstance().getInstanceId(),
                step.getJobExecution().getId(), kind);
        dryRun = "true".equals(step.getJobExecution().getJobParameters().getString("dry.run"));
        timings = step.getExecutionContext();
        stores = setup.get();
        progress = new Progress(kind, dryRun);
    }

    @Override
    public void write(Chunk<? extends Candidate> chunk) {
        List<String> ids = new ArrayList<>(chunk.getItems().stream().map(Candidate::accountId).toList());
        Map<String, Set<String>> retained = stores.retention().reasons(ids);
        if (!retained.isEmpty()) {
            candidates.retain(context.runId(), kind, retained);
            ids.removeAll(retained.keySet());
            log.info("{} {} account(s) retained at purge time (changed since the retain step)", retained.size(), kind);
        }
        if (ids.isEmpty()) {
            return;
        }
        if (dryRun) {
            progress.add(ids.size(), 0);
            return;
        }
        for (AccountStore store : stores.stores()) {
            if (store.phase() != AccountStore.Phase.IN_DATABASE_TRANSACTION) {
                stepLog.started(context, store.name(), ids);
            }
        }
        for (AccountStore store : stores.stores()) {
            call(store, ids, store::lockOut);
        }
        for (AccountStore store : stores.stores()) {
            call(store, ids, store::remove);
        }
        int notFound = candidates.markDone(context.runId(), kind, ids);
        progress.add(ids.size() - notFound, notFound);
    }

    private interface Call {
        StoreOutcomes run(List<String> accountIds);
    }

    /**
     * One call of a store for the chunk, timed; its outcomes go to the step log — in the chunk's transaction for the
     * database, committed at once for the others (so they survive the rollback of a failed chunk).
     */
    private void call(AccountStore store, List<String> ids, Call call) {
        boolean inTransaction = store.phase() == AccountStore.Phase.IN_DATABASE_TRANSACTION;
        StoreOutcomes outcomes;
        long start = System.nanoTime();
        try {
            outcomes = call.run(ids);
        } catch (StoreException e) {
            record(store, e.partial(), false);
            String target = e.target() == null ? store.target() : e.target();
            stepLog.failed(context, store.name(), target, ids, e.errorType());
            throw new PurgeFailedException(store.name(), target, ids.size(), e.errorType(), e);
        } finally {
            String key = "ms." + store.name();
            timings.putLong(key, timings.getLong(key, 0L) + (System.nanoTime() - start) / 1_000_000);
        }
        record(store, outcomes, inTransaction);
        List<StoreOutcomes.Failure> failed = outcomes.failures();
        if (!failed.isEmpty()) {
            throw new PurgeFailedException(store.name(), failed.get(0).target(), failed.size(),
                    failed.get(0).errorClass(), null);
        }
    }

    private void record(AccountStore store, StoreOutcomes outcomes, boolean inTransaction) {
        outcomes.byTarget().forEach((target, perAccount) -> {
            if (inTransaction) {
                stepLog.inTransaction(context, store.name(), target, perAccount);
            } else {
                stepLog.committed(context, store.name(), target, perAccount);
            }
        });
    }

    /** A progress line at most every {@link #INTERVAL}, whatever the chunk size: totals so far and the rate. */
    private static final class Progress {
        private static final long INTERVAL = java.time.Duration.ofSeconds(30).toNanos();
        private final AccountKind kind;
        private final boolean dryRun;
        private final long start = System.nanoTime();
        private long lastLog = start;
        private long done;
        private long notFound;

        Progress(AccountKind kind, boolean dryRun) {
            this.kind = kind;
            this.dryRun = dryRun;
        }

        void add(long purged, long missing) {
            done += purged;
            notFound += missing;
            long now = System.nanoTime();
            if (now - lastLog >= INTERVAL) {
                lastLog = now;
                double seconds = Math.max(1, (now - start) / 1_000_000_000L);
                log.info(dryRun ? "Dry run, {} accounts: {} would be purged so far ({} s)"
                                : "Purging {} accounts: {} purged, {} not found in any store so far ({} s, {}/s)",
                        kind, done, dryRun ? (long) seconds : notFound, (long) seconds,
                        String.format("%.0f", (done + notFound) / seconds));
            }
        }
    }
}
