package org.accountpurge.store.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Keycloak call rate, on a clock the test moves: calls are spaced evenly, a burst waits its turn. */
class CallRateTest {

    long now = 0;
    final List<Long> waits = new ArrayList<>();

    @Test
    void spacesCallsToTheConfiguredRate() {
        CallRate rate = new CallRate(10, () -> now, waits::add); // one call every 100 ms

        rate.acquire(1); // the first call goes at once
        rate.acquire(2); // the second waits 100 ms, and takes two slots
        rate.acquire(1); // the third waits for both: 300 ms
        now = TimeUnit.SECONDS.toNanos(5);
        rate.acquire(1); // after a pause, at once again

        assertThat(waits).containsExactly(ms(100), ms(300));
    }

    @Test
    void noLimitNeverWaits() {
        CallRate rate = new CallRate(0, () -> now, waits::add);
        for (int i = 0; i < 1000; i++) {
            rate.acquire(3);
        }
        assertThat(waits).isEmpty();
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
