package org.accountpurge.job;

import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Runs the partitions of a step on {@code workers} threads, each partition with a step of its own: its reader, writer
 * and listeners bind to their step execution when it starts, so partitions worked at once must not share them.
 */
final class FreshStepPerPartition extends TaskExecutorPartitionHandler {

    private final Supplier<Step> steps;

    FreshStepPerPartition(Supplier<Step> steps, String name, int partitions, int workers) {
        this.steps = steps;
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor(name + "-");
        threads.setConcurrencyLimit(workers);
        setTaskExecutor(threads);
        setStep(steps.get());
        setGridSize(partitions);
    }

    @Override
    protected FutureTask<StepExecution> createTask(Step step, StepExecution stepExecution) {
        return super.createTask(steps.get(), stepExecution);
    }
}
