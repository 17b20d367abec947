package org.accountpurge.worker;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.postgres.TenantLock;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A worker's check before each chunk it writes: is the manager's execution still running, and alive? The manager holds
 * the tenant's lock for as long as its process lives; its execution must still be STARTED and this partition must not
 * have been given up by the manager (it fails a partition whose worker went silent). Otherwise the chunk fails before
 * anything of it is deleted: the partition ends FAILED and a restart of the manager's execution runs it again. A
 * manager asked to stop (STOPPING) lets the partition stop after this chunk. The partition's context records which
 * worker process ran it ({@value #WORKER}).
 */
public final class ManagerAlive implements StepExecutionListener, ItemWriteListener<Candidate> {

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final String schema;
    private StepExecution partition;

    public ManagerAlive(DataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.schema = schema;
    }

    /** The partition's context key naming the worker process that ran it ({@code pid N@host}). */
    public static final String WORKER = "worker";

    /**
     * The partition's context key saying why its worker stopped it (its exit message holds a stack trace that the job
     * repository cuts before the cause).
     */
    public static final String STOPPED = "stopped";

    @Override
    public void beforeStep(StepExecution stepExecution) {
        this.partition = stepExecution;
        stepExecution.getExecutionContext().putString(WORKER, process());
    }

    /** This process: pid and host, as the job repository records who ran a partition. */
    static String process() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return "pid " + ProcessHandle.current().pid() + "@" + host;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        return null;
    }

    @Override
    public void beforeWrite(Chunk<? extends Candidate> items) {
        confirm();
    }

    /** @throws StoreException when the manager's execution ended, its process is gone, or it gave this partition up */
    void confirm() {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT j.status AS job, s.status AS partition FROM"
                + " purge.batch_step_execution s JOIN purge.batch_job_execution j ON j.job_execution_id ="
                + " s.job_execution_id WHERE s.step_execution_id = ?", partition.getId());
        String job = rows.isEmpty() ? "gone" : String.valueOf(rows.get(0).get("job"));
        String mine = rows.isEmpty() ? "gone" : String.valueOf(rows.get(0).get("partition"));
        if (BatchStatus.STOPPING.name().equals(job)) {
            partition.setTerminateOnly();
            return;
        }
        if (!BatchStatus.STARTED.name().equals(job)) {
            throw stop("the manager's execution " + partition.getJobExecutionId() + " is " + job);
        }
        if (BatchStatus.FAILED.name().equals(mine)) {
            throw stop("the manager gave this partition up (it heard nothing from its worker for too long)");
        }
        if (!TenantLock.heldByAnyone(dataSource, schema)) {
            throw stop("nobody holds the tenant's purge lock: the manager's process is gone");
        }
    }

    private StoreException stop(String why) {
        partition.getExecutionContext().putString(STOPPED, "its worker stopped it: " + why);
        return new StoreException("postgres", "partition " + partition.getStepName() + " stops before its"
                + " next chunk: " + why + ". Restart the manager's execution to finish it", null);
    }
}
