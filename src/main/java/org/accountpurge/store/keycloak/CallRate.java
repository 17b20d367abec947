package org.accountpurge.store.keycloak;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} Keycloak calls a second over all the purge's threads, so that a nightly purge cannot
 * starve the logins Keycloak serves meanwhile. Calls are spaced evenly; a caller waits for its slot.
 */
final class CallRate {

    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long interval;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long next;

    /** @param perSecond calls a second; 0 = no limit */
    CallRate(int perSecond) {
        this(perSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    CallRate(int perSecond, LongSupplier clock, Sleeper sleeper) {
        this.interval = perSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.next = clock.getAsLong();
    }

    /** Waits until {@code calls} more calls may be made. */
    void acquire(int calls) {
        if (interval == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            long slot = Math.max(now, next);
            next = slot + interval * calls;
            wait = slot - now;
        }
        if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
