package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.accountpurge.account.AccountKind;
import org.accountpurge.audit.StepLog;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.ErrorClass;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.util.function.SingletonSupplier;

/**
 * The store calls of one step execution of {@link AccountPurgeWriter}: each timed into the step's execution context
 * ({@code ms.<store>}), retried with backoff for transient errors ({@link FaultPolicy}), and its outcomes written to
 * the step log — at once for a store outside the chunk's transaction, in that transaction for the database.
 */
final class StoreCalls {

    private static final Logger log = LoggerFactory.getLogger(StoreCalls.class);

    private final AccountKind kind;
    private final StepLog stepLog;
    private final StepLog.Context context;
    private final FaultPolicy policy;
    private final ExecutionContext timings;

    StoreCalls(AccountKind kind, StepLog stepLog, StepLog.Context context, FaultPolicy policy,
               ExecutionContext timings) {
        this.kind = kind;
        this.stepLog = stepLog;
        this.context = context;
        this.policy = policy;
        this.timings = timings;
    }

    /** Records that the store failed for these accounts ({@code errorClass}), in a transaction of its own. */
    void failed(AccountStore store, String target, List<String> ids, String errorClass) {
        stepLog.failed(context, store.name(), target, ids, errorClass);
    }

    interface Call {
        /** @param unanswered of these accounts, those an earlier attempt of the run may have removed unanswered */
        StoreOutcomes run(List<String> accountIds, Supplier<Set<String>> unanswered);
    }

    /**
     * The outcomes with each ABSENT of an account that an earlier attempt of this run called the store for without
     * learning what it did noted so ({@link TargetOutcome#afterUnansweredAttempt}): the report does not count it as
     * "already gone", and never as a deletion of this run either.
     */
    StoreOutcomes noted(StoreOutcomes outcomes, Supplier<Set<String>> unanswered) {
        boolean anyAbsent = outcomes.byTarget().values().stream().flatMap(m -> m.values().stream())
                .anyMatch(o -> o.action() == org.accountpurge.store.TargetOutcome.Action.ABSENT);
        if (!anyAbsent) {
            return outcomes;
        }
        Set<String> unknown = unanswered.get();
        return unknown.isEmpty() ? outcomes
                : outcomes.map((id, o) -> unknown.contains(id) ? o.afterUnansweredAttempt() : o);
    }

    /**
     * One call of a store outside the chunk's transaction, timed, retried for transient errors; outcomes are
     * committed to the step log at once (they survive a rollback of the chunk). Returns the accounts that may go on.
     */
    List<String> external(AccountStore store, List<String> ids, Call call,
                                  Map<String, StoreOutcomes.Failure> failed, Set<String> recorded) {
        List<String> pending = ids;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            StoreOutcomes outcomes;
            List<String> now = pending;
            Supplier<Set<String>> unanswered =
                    SingletonSupplier.of(() -> stepLog.unanswered(context, store.name(), now));
            try {
                outcomes = timed(store, () -> call.run(now, unanswered));
            } catch (StoreException e) {
                record(store, noted(e.partial().without(recorded), unanswered), false);
                String target = e.target() == null ? store.target() : e.target();
                stepLog.failed(context, store.name(), target, pending, e.errorType());
                if (!ErrorClass.isTransient(e.errorType()) || attempt >= policy.attempts()) {
                    throw new PurgeFailedException(store.name(), target, pending.size(), e.errorType()
                            + (attempt > 1 ? " after " + attempt + " attempts" : ""), e);
                }
                pause(store, attempt, e.errorType());
                continue;
            }
            record(store, noted(outcomes.without(recorded), unanswered), false);
            List<StoreOutcomes.Failure> transientFailures = new ArrayList<>();
            for (StoreOutcomes.Failure f : outcomes.failures(store.name())) {
                if (ErrorClass.isTransient(f.errorClass())) {
                    transientFailures.add(f);
                } else {
                    failed.putIfAbsent(f.accountId(), f);
                }
            }
            if (transientFailures.isEmpty()) {
                break;
            }
            StoreOutcomes.Failure first = transientFailures.get(0);
            if (attempt >= policy.attempts()) {
                throw new PurgeFailedException(store.name(), first.target(), transientFailures.size(),
                        first.errorClass() + (attempt > 1 ? " after " + attempt + " attempts" : ""), null);
            }
            pause(store, attempt, first.errorClass());
            pending = transientFailures.stream().map(StoreOutcomes.Failure::accountId).distinct().toList();
        }
        return ids.stream().filter(id -> !failed.containsKey(id)).toList();
    }

    StoreOutcomes timed(AccountStore store, Supplier<StoreOutcomes> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            addTime(store.name(), start);
        }
    }

    /** Adds the milliseconds since {@code start} to {@code ms.<what>} of the step's execution context. */
    void addTime(String what, long start) {
        String key = "ms." + what;
        synchronized (timings) { // stores of a chunk work at once, on threads of their own
            timings.putLong(key, timings.getLong(key, 0L) + (System.nanoTime() - start) / 1_000_000);
        }
    }

    private void pause(AccountStore store, int attempt, String error) {
        java.time.Duration wait = policy.backoff(attempt);
        log.warn("{} answered {} for {} accounts; attempt {} of {} in {} ms", store.name(), error, kind,
                attempt + 1, policy.attempts(), wait.toMillis());
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PurgeFailedException(store.name(), store.target(), 0, "interrupted", e);
        }
    }

    /** Every target's outcomes of one store call in one batch (and, outside the chunk's, one transaction). */
    void record(AccountStore store, StoreOutcomes outcomes, boolean inTransaction) {
        if (outcomes.isEmpty()) {
            return;
        }
        long logging = System.nanoTime();
        if (inTransaction) {
            stepLog.inTransaction(context, store.name(), outcomes);
        } else {
            stepLog.committed(context, store.name(), outcomes);
        }
        addTime("steplog", logging);
    }
}
