package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreOutcomes;

/**
 * The stores outside the chunk's transaction, as a chain: the login identity first, then the others, each store on a
 * thread of its own, each account handed to the next store as soon as the one before removed it ({@link Handoff}).
 */
final class StoreChain {

    /** A store that tells early hands a chunk's accounts to the next store in about this many batches. */
    private static final int HANDOFF_PARTS = 4;

    private final List<AccountStore> chain;
    private final ExecutorService threads;
    private final StoreCalls calls;

    StoreChain(List<AccountStore> chain, ExecutorService threads, StoreCalls calls) {
        this.chain = List.copyOf(chain);
        this.threads = threads;
        this.calls = calls;
    }

    /**
     * The stores outside the chunk's transaction, the login identity first, before the commit, each on a thread of
     * its own while the chunk's thread does {@code meanwhile} (writes the database's outcomes to the step log, in the
     * chunk's transaction). Each account goes to the next store as soon as the one before has removed it (a store
     * that tells so early — Keycloak, per user — lets the next work meanwhile, in batches of a quarter of the chunk),
     * so no account's data goes while its login identity is still there. Returns the accounts every store removed, in
     * chunk order.
     */
    List<String> remove(List<String> ids, Map<String, StoreOutcomes.Failure> failed, Runnable meanwhile) {
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
            next.add(threads.submit(() -> {
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
        out.addAll(calls.external(store, ids, (pending, unanswered) -> store.remove(pending, (id, outcome) -> {
            synchronized (recorded) { // one connection for the store's threads
                StoreOutcomes one = StoreOutcomes.of(store.target(), Map.of(id, outcome));
                calls.record(store, calls.noted(one, unanswered), false);
                recorded.add(id);
            }
            out.add(id);
        }), failed, recorded));
    }
}
