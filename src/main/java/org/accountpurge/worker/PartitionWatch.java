package org.accountpurge.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The manager's watch over the partitions of its remote step, so that a dead worker fails the step instead of leaving
 * the manager waiting for ever. Every poll it reads its partitions; one a worker started that has not changed (no chunk
 * committed) for {@code timeout} is failed, and when no partition has changed for {@code timeout}, those no worker
 * took are failed too. Time is the manager's own, counted from when it saw each change: the workers' clocks and time
 * zones do not matter. A worker that was only slow finds its partition failed at its next chunk and stops
 * ({@link ManagerAlive}); the job repository's version check keeps it from overwriting the failure.
 */
public final class PartitionWatch implements StepExecutionListener {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionWatch.class);

    private final JobRepository repository;
    private final JdbcTemplate jdbc;
    private final Duration poll;
    private final Duration timeout;
    private final String queue;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public PartitionWatch(JobRepository repository, JdbcTemplate jdbc, Duration poll, Duration timeout, String queue,
                          Clock clock) {
        this.repository = repository;
        this.jdbc = jdbc;
        this.poll = poll;
        this.timeout = timeout;
        this.queue = queue;
        this.clock = clock;
    }

    /** What the watch last saw of a partition (its status and version), and since when. */
    private record Seen(String state, Instant since) {
    }

    @Override
    public void beforeStep(StepExecution step) {
        Map<Long, Seen> seen = new HashMap<>();
        Instant[] lastMove = {clock.instant()};
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "partition-watch-" + step.getStepName());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check(step, seen, lastMove);
            } catch (RuntimeException e) {
                LOG.warn("Could not read the partitions of {}: {}", step.getStepName(), e.toString());
            }
        }, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ExitStatus afterStep(StepExecution step) {
        timer.shutdownNow();
        return null;
    }

    void check(StepExecution step, Map<Long, Seen> seen, Instant[] lastMove) {
        Instant now = clock.instant();
        List<Map<String, Object>> open = jdbc.queryForList("SELECT step_execution_id, status, version FROM"
                + " purge.batch_step_execution WHERE job_execution_id = ? AND step_name LIKE ? AND status IN"
                + " ('STARTING', 'STARTED')", step.getJobExecutionId(), step.getStepName() + ":%");
        for (Map<String, Object> row : open) {
            long id = ((Number) row.get("step_execution_id")).longValue();
            String state = row.get("status") + "/" + row.get("version");
            Seen before = seen.get(id);
            if (before == null || !before.state().equals(state)) {
                seen.put(id, new Seen(state, now));
                if (before != null) {
                    lastMove[0] = now;
                }
            }
        }
        boolean stalled = Duration.between(lastMove[0], now).compareTo(timeout) > 0;
        for (Map<String, Object> row : open) {
            long id = ((Number) row.get("step_execution_id")).longValue();
            boolean started = BatchStatus.STARTED.name().equals(row.get("status"));
            if (started && Duration.between(seen.get(id).since(), now).compareTo(timeout) > 0) {
                fail(id, "its worker committed nothing for " + timeout + " (the worker process is gone or stuck)");
            } else if (!started && stalled) {
                fail(id, "no worker took it, and no partition moved, for " + timeout + " (are workers running,"
                        + " reading queue " + queue + "?)");
            }
        }
    }

    private void fail(long id, String why) {
        StepExecution partition = repository.getStepExecution(id);
        if (partition != null && partition.getStatus().isRunning()) {
            fail(repository, partition, why + ". A restart runs it again");
        }
    }

    /**
     * Fails a partition nobody works any more, with the reason as its exit description; left as it is when it moved
     * meanwhile (the job repository's version check).
     */
    static void fail(JobRepository repository, StepExecution partition, String why) {
        LOG.error("Partition {} fails: {}", partition.getStepName(), why);
        partition.setStatus(BatchStatus.FAILED);
        partition.setExitStatus(ExitStatus.FAILED.addExitDescription(why));
        partition.setEndTime(LocalDateTime.now());
        try {
            repository.update(partition);
        } catch (OptimisticLockingFailureException e) {
            LOG.info("Partition {} moved meanwhile: left as it is", partition.getStepName());
        }
    }
}
