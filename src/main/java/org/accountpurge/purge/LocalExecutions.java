package org.accountpurge.purge;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * The job executions running in this process (not those the job repository still marks running for a process that
 * died), so that a SIGTERM stops exactly them, gracefully.
 */
public final class LocalExecutions implements JobExecutionListener {

    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeJob(JobExecution jobExecution) {
        running.add(jobExecution.getId());
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        running.remove(jobExecution.getId());
    }

    public List<Long> ids() {
        return List.copyOf(running);
    }
}
