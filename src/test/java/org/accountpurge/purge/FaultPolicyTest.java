package org.accountpurge.purge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure limits (absolute, and as a share of the kind's candidates) and the retry backoff. */
class FaultPolicyTest {

    @Test
    void moreFailedAccountsThanEitherLimitAreTooMany() {
        FaultPolicy absolute = new FaultPolicy(3, Duration.ofSeconds(1), 5, null);
        assertThat(absolute.tooMany(5, 10)).isNull();
        assertThat(absolute.tooMany(6, 1000)).contains("more than purge.job.max-failed-accounts 5");

        FaultPolicy share = new FaultPolicy(3, Duration.ofSeconds(1), 50, 0.1);
        assertThat(share.tooMany(10, 100)).isNull();
        assertThat(share.tooMany(11, 100)).contains("11 of 100 accounts failed, more than purge.job.max-failed-share 0.1");
    }

    @Test
    void theBackoffDoublesUpToThirtySeconds() {
        FaultPolicy policy = new FaultPolicy(10, Duration.ofSeconds(1), 50, null);
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(8)).isEqualTo(Duration.ofSeconds(30));
    }
}
