package org.accountpurge.worker;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;

/**
 * The steps a worker runs partitions of, by name: each request gets a step of its own (its reader and writer bind to
 * the partition when it starts). A stop ({@link #stopAll()}, on SIGTERM) ends the partitions in progress after their
 * current chunk: STOPPED, and the manager's execution ends STOPPED, restartable.
 */
public final class WorkerSteps implements StepLocator {

    private final Map<String, Supplier<Step>> steps;
    private final Set<StepExecution> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public WorkerSteps(Map<String, Supplier<Step>> steps) {
        this.steps = Map.copyOf(steps);
    }

    public Set<String> names() {
        return steps.keySet();
    }

    @Override
    public Step getStep(String name) {
        Supplier<Step> fresh = steps.get(name);
        if (fresh == null) {
            return null;
        }
        Step step = fresh.get();
        return new Step() {
            @Override
            public String getName() {
                return step.getName();
            }

            @Override
            public void execute(StepExecution partition) throws JobInterruptedException {
                running.add(partition);
                if (stopping) { // taken while the worker stops: it ends STOPPED before its first chunk
                    partition.setTerminateOnly();
                }
                try {
                    step.execute(partition);
                } finally {
                    running.remove(partition);
                }
            }
        };
    }

    /** Asks the partitions in progress, and any taken from now on, to stop after their current chunk. */
    public void stopAll() {
        stopping = true;
        running.forEach(StepExecution::setTerminateOnly);
    }

    /** Whether a partition is in progress. */
    public boolean busy() {
        return !running.isEmpty();
    }
}
