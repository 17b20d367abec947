package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.accountpurge.audit.StepLog;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.retention.RetentionCheck;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.postgres.DeletionEvents;
import org.accountpurge.store.ErrorClass;
import org.accountpurge.store.Savepoints;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Removes a chunk of accounts of one kind from every configured store, in the order that never strands an account:
 * retention is checked again (a chunk may have changed since the retain step); every store is asked which accounts it
 * would refuse for good ({@link AccountStore#refusals}: a shared document), and those are FAILED with nothing of them
 * removed anywhere; the database rows are deleted in the
 * chunk's transaction; before it commits, the login identity goes (the Keycloak user: one call per account), so the
 * account can no longer log in, then every other store's data (Elasticsearch) — each account as soon as its Keycloak
 * user is gone, while Keycloak works on the rest of the chunk; the candidates are marked done in that same transaction. A refusal anywhere after the rows rolls them back to a savepoint: nothing is removed while the
 * account can still log in, and the rows go only when everything else has gone. Every outcome goes to the step log.
 * Each call is idempotent, so a restart simply does the chunk again.
 *
 * <p>Faults ({@link FaultPolicy}): a transient error (timeout, refused connection, HTTP 429/5xx) is retried with
 * backoff for the accounts it concerns, then fails the chunk and the step (restartable). An account a store refuses
 * for good (Keycloak 4xx for that user, a database error for its rows) does not stop the run: it is marked FAILED and
 * its database rows stay (rolled back to a savepoint when the refusal came after them) — refused by Keycloak, nothing
 * of it is gone; refused by a later store, its login identity is gone already — and the rest of the chunk goes on. Too
 * many FAILED accounts fail the step.
 *
 * <p>A dry run removes nothing: it asks the stores, read-only, which accounts they hold anything of, and marks those
 * none holds NOT_FOUND, as a real run would; the refusals are asked as in a real run.
 *
 * <p>The stores and the retention rules are set up when the step starts ({@link Setup}), so the delete plan is the
 * database's as it is then; so are the run, the execution and whether it is a dry run.
 */
public class AccountPurgeWriter implements ItemWriter<Candidate>, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(AccountPurgeWriter.class);
    /** A store that tells early hands a chunk's accounts to the next store in about this many batches. */
    private static final int HANDOFF_PARTS = 4;

    /**
     * What purges a chunk: the retention check, the stores (in any order: they are sorted by phase) and the
     * deletion-event outbox (null when none is configured).
     */
    public record Setup(RetentionCheck retention, List<AccountStore> stores, DeletionEvents events) {
        public Setup {
            stores = stores.stream().sorted(Comparator.comparing(AccountStore::phase)).toList();
        }

        public Setup(RetentionCheck retention, List<AccountStore> stores) {
            this(retention, stores, null);
        }
    }

    private final AccountKind kind;
    private final Function<JobParameters, Setup> setup;
    private final CandidateStore candidates;
    private final StepLog stepLog;
    private final Savepoints savepoints;
    private final FaultPolicy policy;

    private StepLog.Context context;
    private Setup stores;
    private ExecutionContext timings;
    private boolean dryRun;
    private long total;
    /** Runs the stores after the first outside the transaction, each on a thread of its own while a chunk is written. */
    private ExecutorService stageThreads;

    /**
     * @param setup      called when each step execution starts, with the run's parameters
     * @param savepoints marks in the chunk's transaction, to undo the database work of a failed account
     */
    public AccountPurgeWriter(AccountKind kind, Function<JobParameters, Setup> setup, CandidateStore candidates, StepLog stepLog,
                              Savepoints savepoints, FaultPolicy policy) {
        this.kind = kind;
        this.setup = setup;
        this.candidates = candidates;
        this.stepLog = stepLog;
        this.savepoints = savepoints;
        this.policy = policy;
    }

    @Override
    public void beforeStep(StepExecution step) {
        stageThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "purge-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-store");
            t.setDaemon(true);
            return t;
        });
        context = new StepLog.Context(step.getJobExecution().getJobInstance().getInstanceId(),
                step.getJobExecution().getId(), kind);
        dryRun = CandidateSource.isDryRun(step.getJobExecution().getJobParameters());
        timings = step.getExecutionContext();
        long settingUp = System.nanoTime();
        stores = setup.apply(step.getJobExecution().getJobParameters());
        addTime("setup", settingUp);
        total = -1;
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        stageThreads.shutdownNow();
        return step.getExitStatus();
    }

    @Override
    public void write(Chunk<? extends Candidate> chunk) {
        List<String> ids = new ArrayList<>(chunk.getItems().stream().map(Candidate::accountId).toList());
        long checking = System.nanoTime();
        Map<String, Set<String>> retained = stores.retention().reasons(ids);
        addTime("retention", checking);
        if (!retained.isEmpty()) {
            candidates.retain(context.runId(), kind, retained);
            ids.removeAll(retained.keySet());
            log.info("{} {} account(s) retained at purge time (changed since the retain step)", retained.size(), kind);
        }
        if (ids.isEmpty()) {
            return;
        }
        Map<String, StoreOutcomes.Failure> failed = Collections.synchronizedMap(new LinkedHashMap<>());
        ids = refusedBeforehand(ids, failed);
        Set<String> untouched = Set.copyOf(failed.keySet());
        if (dryRun) {
            notFoundAnywhere(ids);
        } else if (!ids.isEmpty()) {
            purge(ids, failed);
        }
        if (!failed.isEmpty()) {
            candidates.fail(context.runId(), kind, List.copyOf(failed.keySet()));
            failed.forEach((id, f) -> log.warn("{} account {} FAILED in {} {} ({}): not purged; {}", kind, id,
                    f.store(), f.target(), f.errorClass(), untouched.contains(id) ? "nothing of it was removed"
                            : leftBehind(f.store())));
            checkLimit();
        }
    }

    /**
     * The accounts a store would refuse for good ({@link AccountStore#refusals}: a document shared with other
     * accounts), asked of every store before anything of the chunk is removed: each is FAILED with nothing of it
     * removed anywhere, its refusal in the step log. Returns the others.
     */
    private List<String> refusedBeforehand(List<String> ids, Map<String, StoreOutcomes.Failure> failed) {
        List<String> remaining = ids;
        for (AccountStore store : stores.stores()) {
            if (remaining.isEmpty()) {
                break;
            }
            remaining = external(store, remaining, (asked, unanswered) -> store.refusals(asked), failed, Set.of());
        }
        return remaining;
    }

    /**
     * A dry run's account that no store holds anything of is marked NOT_FOUND, as a real run would mark it; the others
     * stay PENDING (a real run would purge them). Each store is asked, read-only ({@link AccountStore#verify}), only
     * about the accounts the stores before it had nothing of. A check a store cannot make fails the chunk.
     */
    private void notFoundAnywhere(List<String> ids) {
        List<String> nowhere = ids;
        for (AccountStore store : stores.stores()) {
            if (nowhere.isEmpty()) {
                return;
            }
            List<String> asked = nowhere;
            StoreOutcomes there;
            try {
                there = timed(store, () -> store.verify(asked));
            } catch (StoreException e) {
                throw new PurgeFailedException(store.name(), e.target() == null ? store.target() : e.target(),
                        asked.size(), e.errorType(), e);
            }
            Set<String> found = new java.util.HashSet<>();
            there.byTarget().forEach((target, perAccount) -> perAccount.forEach((id, outcome) -> {
                if (outcome.isFailure()) {
                    throw new PurgeFailedException(store.name(), target, asked.size(), outcome.errorClass(), null);
                }
                if (outcome.count() > 0) {
                    found.add(id);
                }
            }));
            nowhere = asked.stream().filter(id -> !found.contains(id)).toList();
        }
        candidates.mark(context.runId(), kind, nowhere, CandidateStore.NOT_FOUND);
    }

    /**
     * What an account refused by {@code store} while the chunk was removed still has: refused by the database or by
     * the login identity, everything; refused by a store after the login identity, everything but its login identity
     * and what the step log records as deleted before the refusal.
     */
    private String leftBehind(String store) {
        AccountStore.Phase phase = stores.stores().stream().filter(s -> s.name().equals(store))
                .map(AccountStore::phase).findFirst().orElse(AccountStore.Phase.IN_DATABASE_TRANSACTION);
        if (phase != AccountStore.Phase.AFTER_LOGIN_IDENTITY) {
            return "nothing of it was removed";
        }
        String login = phase(AccountStore.Phase.LOGIN_IDENTITY).stream().map(AccountStore::name)
                .collect(java.util.stream.Collectors.joining(", "));
        return (login.isEmpty() ? "" : "its " + login + " login identity is deleted (it cannot log in), ")
                + "its database rows are kept; purge.step_log lists what else went";
    }

    /** Removes the accounts from every store, the database rows in the chunk's transaction, and marks them done. */
    private void purge(List<String> ids, Map<String, StoreOutcomes.Failure> failed) {
        long logging = System.nanoTime();
        for (AccountStore store : stores.stores()) {
            if (store.phase() != AccountStore.Phase.IN_DATABASE_TRANSACTION) {
                stepLog.started(context, store.name(), ids);
            }
        }
        addTime("steplog", logging);
        Savepoints.Mark beforeDatabase = mark(ids);
        List<Runnable> rowsOutcomes = new ArrayList<>();
        ids = database(ids, failed, rowsOutcomes::add);
        int attempted = ids.size();
        ids = outside(ids, failed, () -> rowsOutcomes.forEach(Runnable::run));
        if (ids.size() < attempted) { // refused after their rows went: put every row back, redo the others
            rollbackTo(beforeDatabase, ids);
            ids = database(ids, failed, Runnable::run);
        }
        if (!ids.isEmpty()) {
            long marking = System.nanoTime();
            try {
                candidates.markDone(context.runId(), kind, ids);
                if (stores.events() != null) {
                    stores.events().write(context.runId(), kind, ids); // in the chunk's transaction, with the rows
                }
            } catch (org.springframework.dao.DataAccessException e) { // the database went away under the chunk
                Throwable cause = e.getMostSpecificCause();
                throw new PurgeFailedException("postgres", "*", ids.size(), cause instanceof java.sql.SQLException sql
                        ? sql.getClass().getSimpleName() + " " + sql.getSQLState() : cause.getClass().getSimpleName(), e);
            } finally {
                addTime("marks", marking);
            }
        }
    }

    /**
     * The stores outside the chunk's transaction, the login identity first, before the commit, each on a thread of
     * its own while the chunk's thread does {@code meanwhile} (writes the database's outcomes to the step log, in the
     * chunk's transaction). Each account goes to the next store as soon as the one before has removed it (a store
     * that tells so early — Keycloak, per user — lets the next work meanwhile, in batches of a quarter of the chunk),
     * so no account's data goes while its login identity is still there. Returns the accounts every store removed, in
     * chunk order.
     */
    private List<String> outside(List<String> ids, Map<String, StoreOutcomes.Failure> failed, Runnable meanwhile) {
        List<AccountStore> chain = stores.stores().stream()
                .filter(s -> s.phase() != AccountStore.Phase.IN_DATABASE_TRANSACTION).toList();
        if (chain.isEmpty() || ids.isEmpty()) {
            meanwhile.run();
            return ids;
        }
        int batch = (ids.size() + HANDOFF_PARTS - 1) / HANDOFF_PARTS;
        Handoff all = new Handoff(ids.size());
        all.addAll(ids);
        all.close();
        List<Handoff> handoffs = new ArrayList<>();
        chain.forEach(s -> handoffs.add(new Handoff(batch)));
        List<Future<?>> next = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            AccountStore store = chain.get(i);
            Handoff in = i == 0 ? all : handoffs.get(i - 1);
            Handoff out = handoffs.get(i);
            next.add(stageThreads.submit(() -> {
                try {
                    for (List<String> taken = in.take(); taken != null; taken = in.take()) {
                        stage(store, taken, out, failed);
                    }
                } finally {
                    out.close();
                }
                return null;
            }));
        }
        RuntimeException failure = null;
        try {
            meanwhile.run();
        } catch (RuntimeException e) { // the stores go on: what they did is recorded before the chunk fails
            failure = e;
        }
        for (Future<?> stage : next) {
            try {
                stage.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r
                            : new PurgeFailedException("a store failed: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.forEach(f -> f.cancel(true));
                throw new PurgeFailedException("interrupted while the stores removed a chunk", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        Set<String> removed = handoffs.get(handoffs.size() - 1).handed();
        List<String> lost = ids.stream().filter(id -> !removed.contains(id) && !failed.containsKey(id)).toList();
        if (!lost.isEmpty()) { // cannot happen: an account is handed on or failed; never mark such a chunk done
            throw new PurgeFailedException(lost.size() + " account(s) of the chunk neither removed nor failed");
        }
        return ids.stream().filter(removed::contains).toList();
    }

    /**
     * One store removes the accounts; each it removed has its outcome committed to the step log and goes on to
     * {@code out} as soon as the store tells (a crash a moment later still finds the deletion recorded).
     */
    private void stage(AccountStore store, List<String> ids, Handoff out, Map<String, StoreOutcomes.Failure> failed) {
        Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
        out.addAll(external(store, ids, (pending, unanswered) -> store.remove(pending, (id, outcome) -> {
            synchronized (recorded) { // one connection for the store's threads
                record(store, noted(StoreOutcomes.of(store.target(), Map.of(id, outcome)), unanswered), false);
                recorded.add(id);
            }
            out.add(id);
        }), failed, recorded));
    }

    private List<AccountStore> phase(AccountStore.Phase phase) {
        return stores.stores().stream().filter(s -> s.phase() == phase).toList();
    }

    private void checkLimit() {
        if (total < 0) {
            total = candidates.count(context.runId(), kind, null);
        }
        String tooMany = policy.tooMany(candidates.count(context.runId(), kind, CandidateStore.FAILED), total);
        if (tooMany != null) {
            throw new PurgeFailedException(tooMany + " (each with its error in purge.step_log; fix the cause and"
                    + " restart, or raise the limit)");
        }
    }

    private interface Call {
        /** @param unanswered of these accounts, those an earlier attempt of the run may have removed unanswered */
        StoreOutcomes run(List<String> accountIds, Supplier<Set<String>> unanswered);
    }

    /**
     * The outcomes with each ABSENT of an account that an earlier attempt of this run called the store for without
     * learning what it did noted so ({@link TargetOutcome#afterUnansweredAttempt}): the report does not count it as
     * "already gone", and never as a deletion of this run either.
     */
    private StoreOutcomes noted(StoreOutcomes outcomes, Supplier<Set<String>> unanswered) {
        boolean anyAbsent = outcomes.byTarget().values().stream().flatMap(m -> m.values().stream())
                .anyMatch(o -> o.action() == org.accountpurge.store.TargetOutcome.Action.ABSENT);
        if (!anyAbsent) {
            return outcomes;
        }
        Set<String> unknown = unanswered.get();
        return unknown.isEmpty() ? outcomes
                : outcomes.map((id, o) -> unknown.contains(id) ? o.afterUnansweredAttempt() : o);
    }

    /** The supplier's answer, asked once, when first needed. */
    private static <T> Supplier<T> once(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    /**
     * One call of a store outside the chunk's transaction, timed, retried for transient errors; outcomes are
     * committed to the step log at once (they survive a rollback of the chunk). Returns the accounts that may go on.
     */
    private List<String> external(AccountStore store, List<String> ids, Call call,
                                  Map<String, StoreOutcomes.Failure> failed, Set<String> recorded) {
        List<String> pending = ids;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            StoreOutcomes outcomes;
            List<String> now = pending;
            Supplier<Set<String>> unanswered = once(() -> stepLog.unanswered(context, store.name(), now));
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

    /**
     * The stores of the chunk's transaction remove the accounts; a refusal that is not transient is narrowed down to
     * the accounts it concerns (each tried alone, between savepoints). What each call did goes to the step log, in
     * the chunk's transaction, through {@code log} (which may run it later, while the other stores work). Returns
     * the accounts that may go on.
     */
    private List<String> database(List<String> ids, Map<String, StoreOutcomes.Failure> failed,
                                  java.util.function.Consumer<Runnable> log) {
        List<String> remaining = ids;
        for (AccountStore store : phase(AccountStore.Phase.IN_DATABASE_TRANSACTION)) {
            if (remaining.isEmpty()) {
                return remaining;
            }
            Savepoints.Mark mark = mark(remaining);
            List<String> attempt = remaining;
            try {
                StoreOutcomes outcomes = timed(store, () -> store.remove(attempt));
                log.accept(() -> record(store, outcomes, true));
            } catch (StoreException e) {
                if (ErrorClass.isTransient(e.errorType())) {
                    stepLog.failed(context, store.name(), store.target(), remaining, e.errorType());
                    throw new PurgeFailedException(store.name(), store.target(), remaining.size(), e.errorType(), e);
                }
                rollbackTo(mark, remaining);
                remaining = oneByOne(store, remaining, failed, e);
            }
        }
        return remaining;
    }

    private List<String> oneByOne(AccountStore store, List<String> ids, Map<String, StoreOutcomes.Failure> failed,
                                  StoreException chunkFailure) {
        List<String> done = new ArrayList<>();
        Map<String, StoreOutcomes.Failure> refused = new LinkedHashMap<>();
        for (String id : ids) {
            Savepoints.Mark mark = mark(ids);
            try {
                record(store, timed(store, () -> store.remove(List.of(id))), true);
                done.add(id);
            } catch (StoreException e) {
                rollbackTo(mark, ids);
                refused.put(id, new StoreOutcomes.Failure(store.name(), store.target(), id, e.errorType()));
            }
        }
        if (done.isEmpty() && ids.size() > 1) { // the store fails for everybody: not an account's problem
            stepLog.failed(context, store.name(), store.target(), ids, chunkFailure.errorType());
            throw new PurgeFailedException(store.name(), store.target(), ids.size(), chunkFailure.errorType(),
                    chunkFailure);
        }
        refused.forEach((id, f) -> {
            stepLog.failed(context, store.name(), store.target(), List.of(id), f.errorClass());
            failed.put(id, f);
        });
        return done;
    }

    /** A savepoint; losing the database here fails the chunk, naming the database. */
    private Savepoints.Mark mark(List<String> ids) {
        try {
            return savepoints.mark();
        } catch (StoreException e) {
            throw new PurgeFailedException(e.store(), "*", ids.size(), e.errorType(), e);
        }
    }

    private void rollbackTo(Savepoints.Mark mark, List<String> ids) {
        try {
            savepoints.rollbackTo(mark);
        } catch (StoreException e) {
            throw new PurgeFailedException(e.store(), "*", ids.size(), e.errorType(), e);
        }
    }

    private StoreOutcomes timed(AccountStore store, Supplier<StoreOutcomes> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            addTime(store.name(), start);
        }
    }

    /** Adds the milliseconds since {@code start} to {@code ms.<what>} of the step's execution context. */
    private void addTime(String what, long start) {
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
    private void record(AccountStore store, StoreOutcomes outcomes, boolean inTransaction) {
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
