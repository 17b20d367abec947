package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param chunkSize         accounts purged per chunk (one database transaction)
 * @param reportDirectory   where each execution's report folder is written (run-R-execution-E)
 * @param retryAttempts     calls of a store for a transient error (timeout, refused connection, HTTP 429/5xx),
 *                          the first included; then the run fails, restartable
 * @param retryBackoff      wait before the first retry, doubled before each next one
 * @param maxFailedAccounts accounts a run may leave FAILED (a store refused them for good) before it fails
 * @param maxFailedShare    the same as a share (0..1) of the kind's candidates in the run; none when unset
 * @param window            when executions must stop (restartable); none when unset
 * @param progress          live progress of each step: {@code auto} (a bar on a terminal, otherwise a line
 *                          every {@code progressInterval}), {@code bar}, {@code log}, or {@code off}
 * @param progressInterval  how often the progress line is logged when output is not a terminal
 * @param loadChunkSize     input rows per transaction while the candidates are loaded (rows are small: large
 *                          chunks keep the job repository's per-chunk bookkeeping out of the way)
 * @param loadSortMemory    PostgreSQL {@code work_mem} of the one transaction that freezes the loaded candidates
 *                          (it sorts the run's ids); more sorts in memory, less spills to disk
 * @param verifyPageSize    purged accounts the verification checks per transaction: a stop asked during it waits
 *                          for one page, and its restart goes on from the next
 * @param partitions        buckets the candidates of each kind are cut into (a stable hash of the account id), each
 *                          retained and purged by a step of its own; a restart runs only the unfinished ones. 1 (the
 *                          default): one step per kind, as before
 * @param workers           partitions worked at once: threads of this process, or, with {@code remote}, the worker
 *                          processes run (each takes this share of Keycloak's threads and calls per second); at most
 *                          {@code partitions}
 * @param remote            the partitions sent to worker processes over a message broker; none (the default): they
 *                          run in this process
 */
public record JobSection(@Min(1) @Max(5000) @DefaultValue("100") int chunkSize,
                  @NotBlank @DefaultValue("target/purge-reports") String reportDirectory,
                  @Min(1) @Max(20) @DefaultValue("3") int retryAttempts,
                  @NotNull @DefaultValue("1s") Duration retryBackoff,
                  @Min(0) @DefaultValue("50") int maxFailedAccounts,
                  @jakarta.validation.constraints.DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1")
                  Double maxFailedShare,
                  @Valid Window window,
                  @NotBlank @Pattern(regexp = "auto|bar|log|off") @DefaultValue("auto") String progress,
                  @NotNull @DefaultValue("30s") Duration progressInterval,
                  @Min(1) @Max(100000) @DefaultValue("5000") int loadChunkSize,
                  @NotBlank @Pattern(regexp = "[1-9][0-9]{0,6}(kB|MB|GB)", message = "must be a PostgreSQL memory"
                          + " size such as 64MB or 1GB") @DefaultValue("256MB") String loadSortMemory,
                  @Min(1) @Max(10000) @DefaultValue("500") int verifyPageSize,
                  @Min(1) @Max(256) @DefaultValue("1") int partitions,
                  @Min(1) @Max(64) @DefaultValue("1") int workers,
                  @Valid Remote remote) {

    @AssertTrue(message = "workers must be at most partitions (a worker works one partition at a time)")
    public boolean isWorkersWithinPartitions() {
        return workers <= partitions;
    }

    /**
     * Remote partitioning: the manager (purge, nightly, restart) sends each partition of the retain and purge steps as
     * a request to a queue of an ActiveMQ Artemis broker; worker processes ({@code worker --config F}) take them one at
     * a time and report through the job repository, which the manager reads.
     *
     * @param brokerUrl     the broker ({@code tcp://host:61616})
     * @param user          the broker's user; none when unset
     * @param password      the broker's password
     * @param queue         the queue of partition requests: one per tenant
     * @param pollInterval  how often the manager reads its partitions' progress from the job repository
     * @param workerTimeout the longest the manager waits without news: a partition a worker started with no chunk
     *                      committed for this long (the worker is gone or stuck), and, when no partition has moved for
     *                      this long, those no worker took, fail (the step fails; a restart runs them again). It must
     *                      exceed the longest chunk
     */
    public record Remote(@NotBlank String brokerUrl, String user, String password,
                         @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,200}", message = "must be a queue name (letters,"
                                 + " digits, '.', '_', '-')") @DefaultValue("account-purge.partitions") String queue,
                         @NotNull @DefaultValue("5s") Duration pollInterval,
                         @NotNull @DefaultValue("5m") Duration workerTimeout) {

        @AssertTrue(message = "poll-interval must be positive and below worker-timeout")
        public boolean isPollingSane() {
            return pollInterval == null || workerTimeout == null
                    || (!pollInterval.isNegative() && !pollInterval.isZero() && pollInterval.compareTo(workerTimeout) < 0);
        }

        @Override
        public String toString() {
            return "Remote[brokerUrl=" + brokerUrl + ", user=" + user + ", password=" + (password == null ? null
                    : "(set)") + ", queue=" + queue + ", pollInterval=" + pollInterval + ", workerTimeout="
                    + workerTimeout + "]";
        }
    }

    /**
     * A time window for executions: once the wall clock passes {@code closesAt} (its next occurrence after the
     * execution started), the execution stops after its current chunk: STOPPED, restartable (exit code 5).
     *
     * @param closesAt  {@code HH:mm} or {@code HH:mm:ss}, in {@code zone}
     * @param zone      a time zone id ({@code UTC}, {@code Asia/Kolkata})
     * @param nextNight what {@code nightly} does with a run of an earlier date that its window stopped: {@code resume}
     *                  it first (then tonight's run, if the window is still open), or start {@code fresh} (the stopped
     *                  run is abandoned; its accounts are still inactive, so tonight's selection takes them again)
     */
    public record Window(@NotBlank String closesAt, @NotBlank @DefaultValue("UTC") String zone,
                         @NotBlank @Pattern(regexp = "resume|fresh") @DefaultValue("resume") String nextNight) {

        public java.time.LocalTime closingTime() {
            return java.time.LocalTime.parse(closesAt);
        }

        public java.time.ZoneId zoneId() {
            return java.time.ZoneId.of(zone);
        }

        public boolean resumes() {
            return "resume".equals(nextNight);
        }

        /** When an execution that started at {@code start} must stop: the next {@code closesAt} after it. */
        public java.time.Instant closesAfter(java.time.Instant start) {
            java.time.ZonedDateTime started = start.atZone(zoneId());
            java.time.ZonedDateTime closes = started.with(closingTime());
            return (closes.isAfter(started) ? closes : closes.plusDays(1)).toInstant();
        }

        @AssertTrue(message = "closes-at is a time of day (HH:mm or HH:mm:ss) and zone a time zone id (UTC,"
                + " Europe/Berlin)")
        public boolean isReadable() {
            try {
                closingTime();
                zoneId();
                return true;
            } catch (RuntimeException e) {
                return closesAt == null || zone == null;
            }
        }
    }
}
