package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.postgres.TenantLock;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

/** {@code status}: what a run did so far. */
@Command(name = "status", sortOptions = false, sortSynopsis = false,
        description = "What a run did so far: its steps, counts and the command that would go on with it. Read-only"
                + " (no migration, no write, no lock): it answers during a purge.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the execution completed", "1:it did not (yet)", "2:no such execution, or no configuration"})
final class StatusCommand extends ExecutionCommand {

    @Override
    public Integer call() {
        return status(config.file, execution.id, properties());
    }

    /** Prints what a run did so far (any execution of it, finished or not); exit code 0 when it completed. */
    static int status(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.readOnly(config, properties)) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            RunPrinter.summary(ctx, execution).lines().forEach(System.out::println);
            RunPrinter.failedPartitions(ctx, execution).forEach(System.out::println);
            if (execution.getStatus().isRunning()) {
                List<String> holders = TenantLock.holders(ctx.getBean(javax.sql.DataSource.class), JobRuns.schema(ctx));
                System.out.println(holders.isEmpty()
                        ? "  it is marked " + execution.getStatus() + " but no process holds the tenant's lock: its"
                        + " process is gone. To finish it: " + RunPrinter.restartCommand(ctx, config, executionId, true)
                        : "  running: the tenant's lock is held by " + String.join(", ", holders));
            } else if (JobRuns.restartable(execution)) {
                System.out.println("  to finish it: " + RunPrinter.restartCommand(ctx, config, executionId, false));
            }
            return execution.getStatus() == BatchStatus.COMPLETED ? ExitCode.COMPLETED : ExitCode.FAILED;
        }
    }
}
