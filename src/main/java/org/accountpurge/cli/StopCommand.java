package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

/** {@code stop}: a running execution ends after its chunk. */
@Command(name = "stop", sortOptions = false, sortSynopsis = false,
        description = "Asks a running execution (in any process, on any machine) to stop after its chunk in progress:"
                + " it ends STOPPED, restartable.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the stop is asked", "2:no such execution, or no configuration",
                "3:nothing to stop (the execution is not running)"})
final class StopCommand extends ExecutionCommand {

    @Override
    public Integer call() {
        return stop(config.file, execution.id, properties());
    }

    /**
     * Asks a running execution to stop after its chunk in progress (Spring Batch's STOPPING, seen by the running
     * process at its next chunk): it ends STOPPED, restartable. Nothing to stop is a refusal (exit 3).
     */
    static int stop(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.writing(config, properties, Map.of())) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            if (!execution.getStatus().isRunning()) {
                System.err.println("account-purge: execution " + executionId + " is " + execution.getStatus()
                        + ": there is nothing to stop");
                return ExitCode.REFUSED;
            }
            if (JobRuns.holders(ctx).isEmpty()) {
                System.err.println("account-purge: execution " + executionId + " is marked " + execution.getStatus()
                        + " but no process holds the tenant's lock: its process is gone, there is nothing to stop. To"
                        + " finish it: " + RunPrinter.restartCommand(ctx, config, executionId, true));
                return ExitCode.REFUSED;
            }
            try {
                ctx.getBean(JobOperator.class).stop(execution);
            } catch (Exception e) {
                throw new JobRuns.JobLaunchException(e);
            }
            System.out.println("Execution " + executionId + " is asked to stop: it ends STOPPED after the chunk in"
                    + " progress (the process running it prints its summary). To go on later: "
                    + RunPrinter.restartCommand(ctx, config, executionId, false));
            return ExitCode.COMPLETED;
        }
    }
}
