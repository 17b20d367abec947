package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The accounts one store of a chunk has removed, handed to the next store, which takes them in batches of at least
 * {@code batch} (fewer once the first store is done). Each account is handed on once; what comes after
 * {@link #close()} is dropped (the caller knows it from the outcomes it got).
 */
final class Handoff {

    private final int batch;
    private final Set<String> handed = new LinkedHashSet<>();
    private final List<String> waiting = new ArrayList<>();
    private boolean closed;

    Handoff(int batch) {
        this.batch = Math.max(1, batch);
    }

    synchronized void add(String accountId) {
        addAll(List.of(accountId));
    }

    /** Hands on the accounts not handed on yet, together. */
    synchronized void addAll(List<String> accountIds) {
        if (closed) {
            return;
        }
        accountIds.stream().filter(handed::add).forEach(waiting::add);
        if (waiting.size() >= batch) {
            notifyAll();
        }
    }

    /** No more accounts come: the one taking them gets the rest. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** The next batch: waits for {@code batch} accounts or the close; null when closed and nothing is left. */
    synchronized List<String> take() throws InterruptedException {
        while (!closed && waiting.size() < batch) {
            wait();
        }
        if (waiting.isEmpty()) {
            return null;
        }
        List<String> next = List.copyOf(waiting);
        waiting.clear();
        return next;
    }

    /** Every account handed on so far. */
    synchronized Set<String> handed() {
        return Set.copyOf(handed);
    }
}
