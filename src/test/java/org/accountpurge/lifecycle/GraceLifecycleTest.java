package org.accountpurge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.lifecycle.GraceLifecycle.Standing;
import org.accountpurge.lifecycle.GraceLifecycle.Step;
import org.junit.jupiter.api.Test;

/** Warn, wait, disable, wait, purge — on whole nights; a re-enabled user cancels; disable-only never purges. */
class GraceLifecycleTest {

    static final LocalDate WARNED_ON = LocalDate.parse("2026-09-01");
    final GraceLifecycle purging = new GraceLifecycle(new SelectionSection.Lifecycle(Duration.ofDays(14),
            Duration.ofDays(30), "purge", "INSERT INTO outbox VALUES (:account_id)", null));

    @Test
    void anAccountGoesFromWarnedToDisabledToPurgedAsTheGracePeriodsEnd() {
        assertThat(purging.next(null, WARNED_ON, true)).isEqualTo(Step.WARN);
        Standing warned = new Standing(LifecycleStore.WARNED, WARNED_ON, null);
        assertThat(purging.next(warned, WARNED_ON.plusDays(13), true)).isEqualTo(Step.WAIT_WARNED);
        assertThat(purging.next(warned, WARNED_ON.plusDays(14), true)).isEqualTo(Step.DISABLE);
        Standing disabled = new Standing(LifecycleStore.DISABLED, WARNED_ON, WARNED_ON.plusDays(14));
        assertThat(purging.next(disabled, WARNED_ON.plusDays(43), false)).isEqualTo(Step.WAIT_DISABLED);
        assertThat(purging.next(disabled, WARNED_ON.plusDays(44), false)).isEqualTo(Step.PURGE);
        assertThat(purging.disableOn(WARNED_ON)).isEqualTo(WARNED_ON.plusDays(14));
        assertThat(purging.purgeOn(WARNED_ON)).isEqualTo(WARNED_ON.plusDays(44));
    }

    @Test
    void aUserEnabledAgainCancelsAndACancelledOrEndedCycleStartsAgainWithAWarning() {
        Standing disabled = new Standing(LifecycleStore.DISABLED, WARNED_ON, WARNED_ON.plusDays(14));
        assertThat(purging.next(disabled, WARNED_ON.plusDays(60), true)).isEqualTo(Step.CANCEL_REENABLED);
        assertThat(purging.next(new Standing(LifecycleStore.CANCELLED, WARNED_ON, null), WARNED_ON.plusDays(60),
                true)).isEqualTo(Step.WARN);
    }

    @Test
    void disableOnlyNeverPurgesAndAGraceOfPartDaysCountsWholeNights() {
        GraceLifecycle disableOnly = new GraceLifecycle(new SelectionSection.Lifecycle(Duration.ofHours(36),
                Duration.ofDays(1), "disable-only", "INSERT INTO outbox VALUES (:account_id)", null));
        Standing warned = new Standing(LifecycleStore.WARNED, WARNED_ON, null);
        assertThat(disableOnly.next(warned, WARNED_ON.plusDays(1), true)).isEqualTo(Step.WAIT_WARNED);
        assertThat(disableOnly.next(warned, WARNED_ON.plusDays(2), true)).isEqualTo(Step.DISABLE);
        Standing disabled = new Standing(LifecycleStore.DISABLED, WARNED_ON, WARNED_ON.plusDays(2));
        assertThat(disableOnly.next(disabled, WARNED_ON.plusDays(400), false)).isEqualTo(Step.WAIT_DISABLED);
    }
}
