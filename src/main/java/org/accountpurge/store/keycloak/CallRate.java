package org.accountpurge.store.keycloak;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} Keycloak calls in any one second over all the purge's threads, so that a nightly purge
 * cannot starve the logins Keycloak serves meanwhile. Calls are paced evenly; slots left unused while the purge works
 * on the other stores between chunks are caught up within that second (no call starts less than a second after the
 * {@code perSecond}-th call before it), at most twice as fast as the even pace; after a second without calls the pace
 * starts even again. A caller waits for its slot.
 */
final class CallRate {

    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final long interval;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    /** When the last {@code perSecond} calls were given their slots, a ring: the oldest at {@link #oldest}. */
    private final long[] slots;
    private int oldest;
    private long last;

    /** @param perSecond calls a second; 0 = no limit */
    CallRate(int perSecond) {
        this(perSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    CallRate(int perSecond, LongSupplier clock, Sleeper sleeper) {
        this.interval = perSecond <= 0 ? 0 : SECOND / perSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.slots = new long[Math.max(perSecond, 1)];
        evenSince(clock.getAsLong());
    }

    /**
     * As if the second before {@code now} had been paced evenly: the first calls (or the first after a second without
     * any) go at the even pace, not in a burst.
     */
    private void evenSince(long now) {
        for (int i = 0; i < slots.length; i++) {
            slots[i] = now - SECOND + i * interval;
        }
        oldest = 0;
        last = now - interval;
    }

    /** Waits until {@code calls} more calls may be made (at once, one after the other). */
    void acquire(int calls) {
        if (interval == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            if (now - last >= SECOND) {
                evenSince(now);
            }
            int taken = Math.min(calls, slots.length);
            // the latest of the calls that would then be perSecond calls back; the ring is in order from the oldest
            long windowOpen = slots[(oldest + taken - 1) % slots.length] + SECOND;
            long slot = Math.max(Math.max(now, last + interval / 2), windowOpen);
            for (int i = 0; i < taken; i++) {
                slots[oldest] = slot;
                oldest = (oldest + 1) % slots.length;
            }
            last = slot + (long) (calls - 1) * interval; // several calls at once: the next waits as they took
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
