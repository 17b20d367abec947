package org.accountpurge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When an execution's window closes: the next closing time after it started, in the window's zone. */
class WindowTest {

    @Test
    void anExecutionStartedBeforeClosingTimeStopsThatDayOneStartedAfterItTheNextDay() {
        JobSection.Window window = new JobSection.Window("05:30", "Asia/Kolkata", "resume");

        // 01:00 in Kolkata (UTC+05:30) is 19:30 UTC the day before; it closes at 05:30 Kolkata = 00:00 UTC
        assertThat(window.closesAfter(Instant.parse("2026-11-24T19:30:00Z")))
                .isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        // started at 06:00 Kolkata: closing time has passed, so the window is open until tomorrow's
        assertThat(window.closesAfter(Instant.parse("2026-11-25T00:30:00Z")))
                .isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
        assertThat(window.resumes()).isTrue();
    }

    @Test
    void secondsAreAllowedAndAnUnreadableTimeOrZoneIsAConfigurationError() {
        assertThat(new JobSection.Window("23:59:30", "UTC", "fresh").closesAfter(
                Instant.parse("2026-11-25T23:59:00Z"))).isEqualTo(Instant.parse("2026-11-25T23:59:30Z"));
        assertThat(new JobSection.Window("25:00", "UTC", "resume").isReadable()).isFalse();
        assertThat(new JobSection.Window("05:00", "Mars/Olympus", "resume").isReadable()).isFalse();
        assertThat(new JobSection.Window("05:00", "Europe/Berlin", "fresh").isReadable()).isTrue();
    }
}
