package org.accountpurge.worker;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a worker checks before it takes a partition from the queue. It runs only a request of the manager's execution
 * now running, for a partition nobody took yet, with the configuration the manager runs with; anything else is dropped
 * (and logged), never run: a message that is not a request, a request of an execution that ended or whose manager's
 * process is gone (left on the queue by a killed manager), a partition another worker took (a redelivery). A worker whose configuration file differs from
 * the manager's fails the partition, naming both files' SHA-256, so the manager stops at once instead of running
 * part of the tenant with other rules.
 */
public final class PartitionGate {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionGate.class);

    private final JobRepository repository;
    private final JdbcTemplate jdbc;
    private final Set<String> steps;
    private final String configSha256;
    private final BooleanSupplier managerAlive;

    /**
     * @param steps        the steps this worker can run
     * @param configSha256 the SHA-256 of this worker's configuration file
     * @param managerAlive whether the manager's process lives (it holds the tenant's lock)
     */
    public PartitionGate(JobRepository repository, JdbcTemplate jdbc, Set<String> steps, String configSha256,
                         BooleanSupplier managerAlive) {
        this.repository = repository;
        this.jdbc = jdbc;
        this.steps = Set.copyOf(steps);
        this.configSha256 = configSha256;
        this.managerAlive = managerAlive;
    }

    /** Whether the message is a request this worker runs now. */
    public boolean accepts(Object message) {
        Optional<PartitionRequest> parsed = PartitionRequest.parse(message);
        if (parsed.isEmpty()) {
            LOG.warn("Dropped a message that is not a partition request ({})", message == null ? "empty"
                    : message.getClass().getSimpleName() + (message instanceof String s ? ", " + s.length()
                    + " characters" : ""));
            return false;
        }
        PartitionRequest request = parsed.get();
        StepExecution partition;
        try {
            partition = repository.getStepExecution(request.stepExecutionId());
        } catch (EmptyResultDataAccessException e) { // the JDBC repository's way to say "none"
            partition = null;
        }
        if (partition == null || !steps.contains(request.stepName())
                || !partition.getStepName().startsWith(request.stepName() + ":")
                || partition.getJobExecutionId() != request.jobExecutionId()) {
            LOG.warn("Dropped a partition request that matches no partition of the job repository: {}",
                    request.text());
            return false;
        }
        if (partition.getStatus() != BatchStatus.STARTING) {
            LOG.info("Partition {} of execution {} is {}: taken by another worker or ended, not run again",
                    partition.getStepName(), request.jobExecutionId(), partition.getStatus());
            return false;
        }
        List<String> job = jdbc.queryForList("SELECT status FROM purge.batch_job_execution WHERE job_execution_id = ?",
                String.class, request.jobExecutionId());
        if (job.isEmpty() || !BatchStatus.STARTED.name().equals(job.get(0))) {
            LOG.info("Partition {} belongs to execution {}, which is {}: a stale request, not run",
                    partition.getStepName(), request.jobExecutionId(), job.isEmpty() ? "gone" : job.get(0));
            return false;
        }
        if (!managerAlive.getAsBoolean()) {
            LOG.info("Partition {} of execution {} is not run: nobody holds the tenant's purge lock, the manager's"
                    + " process is gone (a restart of the execution sends it again)", partition.getStepName(),
                    request.jobExecutionId());
            return false;
        }
        List<String> managers = jdbc.queryForList("SELECT config_sha256 FROM purge.execution_config WHERE"
                + " job_execution_id = ?", String.class, request.jobExecutionId());
        if (!managers.isEmpty() && !managers.get(0).equals(configSha256)) {
            PartitionWatch.fail(repository, partition, "a worker's configuration file (SHA-256 " + configSha256 + ") is not the one the manager"
                    + " runs with (SHA-256 " + managers.get(0) + "): the partition was not run. Give the workers the"
                    + " manager's configuration file and restart");
            return false;
        }
        LOG.info("Taking partition {} of execution {}", partition.getStepName(), request.jobExecutionId());
        return true;
    }
}
