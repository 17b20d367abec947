package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.accountpurge.audit.StepLog;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.retention.RetentionCheck;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.postgres.DeletionEvents;
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
    private StoreCalls calls;
    private DatabasePhase database;
    private StoreChain chain;
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
        calls = new StoreCalls(kind, stepLog, context, policy, step.getExecutionContext());
        long settingUp = System.nanoTime();
        stores = setup.apply(step.getJobExecution().getJobParameters());
        calls.addTime("setup", settingUp);
        database = new DatabasePhase(phase(AccountStore.Phase.IN_DATABASE_TRANSACTION), savepoints, calls);
        chain = new StoreChain(stores.stores().stream()
                .filter(store -> store.phase() != AccountStore.Phase.IN_DATABASE_TRANSACTION).toList(), stageThreads,
                calls);
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
        calls.addTime("retention", checking);
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
            preview(ids);
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
            remaining = calls.external(store, remaining, (asked, unanswered) -> store.refusals(asked), failed,
                    Set.of());
        }
        return remaining;
    }

    /**
     * A dry run: what each store would do to the chunk's accounts, asked read-only ({@link AccountStore#preview}), goes
     * to the step log ({@link StepLog#previewed}); an account no store holds anything of is marked NOT_FOUND, as a real
     * run would mark it, the others stay PENDING (a real run would purge them). A store that answers per account
     * (Keycloak) is asked only about the accounts the stores before it had nothing of. A check a store cannot make
     * fails the chunk.
     */
    private void preview(List<String> ids) {
        List<String> nowhere = ids;
        for (AccountStore store : stores.stores()) {
            List<String> asked = store.previewsEveryAccount() ? ids : nowhere;
            if (asked.isEmpty()) {
                continue;
            }
            StoreOutcomes would;
            try {
                would = calls.timed(store, () -> store.preview(asked));
            } catch (StoreException e) {
                throw new PurgeFailedException(store.name(), e.target() == null ? store.target() : e.target(),
                        asked.size(), e.errorType(), e);
            }
            Set<String> found = new java.util.HashSet<>();
            would.byTarget().forEach((target, perAccount) -> perAccount.forEach((id, outcome) -> {
                if (outcome.isFailure()) {
                    throw new PurgeFailedException(store.name(), target, asked.size(), outcome.errorClass(), null);
                }
                if (outcome.count() > 0) {
                    found.add(id);
                }
            }));
            stepLog.previewed(context, store.name(), would);
            nowhere = nowhere.stream().filter(id -> !found.contains(id)).toList();
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
        return (login.isEmpty() ? "" : "its " + login + " login identity is deleted or disabled (it cannot log in), ")
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
        calls.addTime("steplog", logging);
        Savepoints.Mark beforeDatabase = database.mark(ids);
        List<Runnable> rowsOutcomes = new ArrayList<>();
        ids = database.remove(ids, failed, rowsOutcomes::add);
        int attempted = ids.size();
        ids = chain.remove(ids, failed, () -> inChunkTransaction(attempted, () -> rowsOutcomes.forEach(Runnable::run)));
        if (ids.size() < attempted) { // refused after their rows went: put every row back, redo the others
            database.rollbackTo(beforeDatabase, ids);
            ids = database.remove(ids, failed, Runnable::run);
        }
        if (!ids.isEmpty()) {
            long marking = System.nanoTime();
            List<String> done = ids;
            try {
                inChunkTransaction(done.size(), () -> {
                    candidates.markDone(context.runId(), kind, done);
                    if (stores.events() != null) {
                        stores.events().write(context.runId(), kind, done); // in the chunk's transaction, with the rows
                    }
                });
            } finally {
                calls.addTime("marks", marking);
            }
        }
    }

    /**
     * The chunk's own writes in its transaction (step log, marks, events): when the database goes away under them, the
     * chunk fails naming the database, as when a delete statement meets it.
     */
    private static void inChunkTransaction(int accounts, Runnable work) {
        try {
            work.run();
        } catch (org.springframework.dao.DataAccessException e) {
            Throwable cause = e.getMostSpecificCause();
            throw new PurgeFailedException("postgres", "*", accounts, cause instanceof java.sql.SQLException sql
                    ? sql.getClass().getSimpleName() + " " + sql.getSQLState() : cause.getClass().getSimpleName(), e);
        }
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
}
