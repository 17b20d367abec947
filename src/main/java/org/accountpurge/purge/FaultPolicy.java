package org.accountpurge.purge;

import java.time.Duration;
import org.accountpurge.config.JobSection;

/**
 * How the purge meets store errors: transient ones are retried (per call, only the accounts they concern) with a
 * doubling backoff; an account a store refuses for good is left FAILED (not purged) and the run goes on, until more
 * than {@code maxFailedAccounts} — or more than {@code maxFailedShare} of the kind's candidates — have failed.
 */
public record FaultPolicy(int attempts, Duration backoff, int maxFailedAccounts, Double maxFailedShare) {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    public static FaultPolicy of(JobSection job) {
        return new FaultPolicy(job.retryAttempts(), job.retryBackoff(), job.maxFailedAccounts(), job.maxFailedShare());
    }

    /** The wait before retry number {@code retry} (1, 2, …). */
    Duration backoff(int retry) {
        Duration d = backoff.multipliedBy(1L << Math.min(retry - 1, 10));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** Why {@code failed} of {@code total} failed accounts are too many, or null. */
    String tooMany(long failed, long total) {
        if (failed > maxFailedAccounts) {
            return failed + " accounts failed, more than purge.job.max-failed-accounts " + maxFailedAccounts;
        }
        if (maxFailedShare != null && failed > maxFailedShare * total) {
            return failed + " of " + total + " accounts failed, more than purge.job.max-failed-share " + maxFailedShare;
        }
        return null;
    }
}
