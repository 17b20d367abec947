package org.accountpurge.purge;

import java.util.concurrent.ThreadLocalRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.ErrorClass;
import org.accountpurge.store.Savepoints;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;

/**
 * The stores of the chunk's transaction (the database rows): all accounts of the chunk at once, and when a store
 * refuses for good, each account alone between savepoints, so that only the accounts it concerns are FAILED.
 */
final class DatabasePhase {

    /** Tries of a store's removal the database makes lose a lock conflict. */
    static final int LOCK_CONFLICT_ATTEMPTS = 5;

    private final List<AccountStore> stores;
    private final Savepoints savepoints;
    private final StoreCalls calls;

    DatabasePhase(List<AccountStore> stores, Savepoints savepoints, StoreCalls calls) {
        this.stores = List.copyOf(stores);
        this.savepoints = savepoints;
        this.calls = calls;
    }

    /**
     * The stores of the chunk's transaction remove the accounts; a refusal that is not transient is narrowed down to
     * the accounts it concerns (each tried alone, between savepoints). What each call did goes to the step log, in
     * the chunk's transaction, through {@code log} (which may run it later, while the other stores work). Returns
     * the accounts that may go on.
     */
    List<String> remove(List<String> ids, Map<String, StoreOutcomes.Failure> failed, Consumer<Runnable> log) {
        List<String> remaining = ids;
        for (AccountStore store : stores) {
            if (remaining.isEmpty()) {
                return remaining;
            }
            Savepoints.Mark mark = mark(remaining);
            List<String> attempt = remaining;
            try {
                StoreOutcomes outcomes = removeThroughLockConflicts(store, attempt, mark);
                log.accept(() -> calls.record(store, outcomes, true));
            } catch (StoreException e) {
                if (ErrorClass.isTransient(e.errorType())) {
                    calls.failed(store, store.target(), remaining, e.errorType());
                    throw new PurgeFailedException(store.name(), store.target(), remaining.size(), e.errorType(), e);
                }
                rollbackTo(mark, remaining);
                remaining = oneByOne(store, remaining, failed, e);
            }
        }
        return remaining;
    }

    /**
     * The store's removal of {@code ids}; when the database makes it lose a lock conflict (partitions working at once
     * can wait on each other's rows: a deadlock), redone from {@code mark} after a short pause, up to
     * {@value #LOCK_CONFLICT_ATTEMPTS} times.
     */
    private StoreOutcomes removeThroughLockConflicts(AccountStore store, List<String> ids, Savepoints.Mark mark) {
        for (int attempt = 1; ; attempt++) {
            try {
                return calls.timed(store, () -> store.remove(ids));
            } catch (StoreException e) {
                if (!ErrorClass.isLockConflict(e.errorType()) || attempt >= LOCK_CONFLICT_ATTEMPTS) {
                    throw e;
                }
                rollbackTo(mark, ids);
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(20, 100) * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private List<String> oneByOne(AccountStore store, List<String> ids, Map<String, StoreOutcomes.Failure> failed,
                                  StoreException chunkFailure) {
        List<String> done = new ArrayList<>();
        Map<String, StoreOutcomes.Failure> refused = new LinkedHashMap<>();
        for (String id : ids) {
            Savepoints.Mark mark = mark(ids);
            try {
                calls.record(store, calls.timed(store, () -> store.remove(List.of(id))), true);
                done.add(id);
            } catch (StoreException e) {
                rollbackTo(mark, ids);
                refused.put(id, new StoreOutcomes.Failure(store.name(), store.target(), id, e.errorType()));
            }
        }
        if (done.isEmpty() && ids.size() > 1) { // the store fails for everybody: not an account's problem
            calls.failed(store, store.target(), ids, chunkFailure.errorType());
            throw new PurgeFailedException(store.name(), store.target(), ids.size(), chunkFailure.errorType(),
                    chunkFailure);
        }
        refused.forEach((id, f) -> {
            calls.failed(store, store.target(), List.of(id), f.errorClass());
            failed.put(id, f);
        });
        return done;
    }

    /** A savepoint; losing the database here fails the chunk, naming the database. */
    Savepoints.Mark mark(List<String> ids) {
        try {
            return savepoints.mark();
        } catch (StoreException e) {
            throw new PurgeFailedException(e.store(), "*", ids.size(), e.errorType(), e);
        }
    }

    void rollbackTo(Savepoints.Mark mark, List<String> ids) {
        try {
            savepoints.rollbackTo(mark);
        } catch (StoreException e) {
            throw new PurgeFailedException(e.store(), "*", ids.size(), e.errorType(), e);
        }
    }
}
