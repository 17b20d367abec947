package org.accountpurge.store.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Keycloak call rate, on a clock the test moves: calls are paced evenly, slots left unused within a second are
 * caught up, and no second ever holds more calls than the rate.
 */
class CallRateTest {

    long now = 0;
    final List<Long> waits = new ArrayList<>();

    @Test
    void pacesCallsEvenlyWhileTheCallersKeepUp() {
        CallRate rate = new CallRate(10, () -> now, waits::add); // one call every 100 ms

        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            starts.add(call(rate, 1));
        }

        assertThat(starts).containsExactly(ms(0), ms(100), ms(200), ms(300), ms(400), ms(500), ms(600), ms(700),
                ms(800), ms(900), ms(1000), ms(1100), ms(1200), ms(1300), ms(1400), ms(1500), ms(1600), ms(1700),
                ms(1800), ms(1900));
    }

    @Test
    void catchesUpTheSlotsLeftUnusedWithinTheSecondAtTwiceThePace() {
        CallRate rate = new CallRate(10, () -> now, waits::add);
        for (int i = 0; i < 10; i++) {
            call(rate, 1); // 0, 100, … 900 ms
        }

        now = ms(1300); // the purge worked on other stores for 300 ms (a chunk's database work, its commit)
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            starts.add(call(rate, 1));
        }

        // all ten slots of the second from 1 000 ms are used; the eleventh waits for the second after the pause
        assertThat(starts).containsExactly(ms(1300), ms(1350), ms(1400), ms(1450), ms(1500), ms(1550), ms(1600),
                ms(1700), ms(1800), ms(1900), ms(2300));
    }

    @Test
    void neverMoreCallsInAnySecondThanTheRate() {
        int perSecond = 7;
        CallRate rate = new CallRate(perSecond, () -> now, waits::add);
        Random random = new Random(42);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            now += random.nextInt(4) == 0 ? ms(random.nextInt(1500)) : 0; // now and then a pause, up to 1.5 s
            int calls = random.nextInt(5) == 0 ? 2 : 1; // disable + end sessions go as two calls
            long start = call(rate, calls);
            for (int c = 0; c < calls; c++) {
                starts.add(start);
            }
        }

        for (int i = perSecond; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - perSecond)).as("call %d", i)
                    .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        }
    }

    @Test
    void afterAPauseOfSecondsTheNextCallGoesAtOnceAndThePaceIsEvenAgain() {
        CallRate rate = new CallRate(10, () -> now, waits::add);
        call(rate, 1);
        call(rate, 1);
        now = TimeUnit.SECONDS.toNanos(5);

        // no catching up on the whole second without calls: that would be a burst at twice the pace
        assertThat(List.of(call(rate, 1), call(rate, 1), call(rate, 1))).containsExactly(ms(5000), ms(5100), ms(5200));
    }

    @Test
    void noLimitNeverWaits() {
        CallRate rate = new CallRate(0, () -> now, waits::add);
        for (int i = 0; i < 1000; i++) {
            rate.acquire(3);
        }
        assertThat(waits).isEmpty();
    }

    /** Asks for {@code calls} slots, waits for them (moves the clock) and returns when the calls start. */
    private long call(CallRate rate, int calls) {
        int before = waits.size();
        rate.acquire(calls);
        if (waits.size() > before) {
            now += waits.get(waits.size() - 1);
        }
        return now;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
