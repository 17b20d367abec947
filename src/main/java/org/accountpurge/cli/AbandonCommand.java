package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.Map;
import org.accountpurge.candidate.CandidateSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code abandon}: a failed or stopped execution given up for good. */
@Command(name = "abandon", sortOptions = false, sortSynopsis = false,
        description = "Gives a failed or stopped execution up for good (ABANDONED, never restarted); who and why are"
                + " recorded. --reason is required.")
final class AbandonCommand extends ExecutionCommand {

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        return abandon(config.file, execution.id, Attribution.reason(who.reason),
                Attribution.initiator(who.initiator), properties());
    }

    /**
     * Gives an execution up for good (Spring Batch's ABANDONED: it can never be restarted), recording who and why in
     * its exit description. A running execution is refused; stop it first.
     */
    static int abandon(Path config, long executionId, String reason, String by, Map<String, Object> properties) {
        if (reason == null || reason.isBlank()) {
            throw new UsageException("abandon needs --reason (it is recorded with the execution)");
        }
        try (ConfigurableApplicationContext ctx = TenantContext.writing(config, properties, Map.of())) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
                System.err.println("account-purge: execution " + executionId + " is " + execution.getStatus()
                        + ": there is nothing to abandon");
                return ExitCode.REFUSED;
            }
            if (execution.getStatus().isRunning() && !JobRuns.holders(ctx).isEmpty()) {
                System.err.println("account-purge: execution " + executionId + " is running; stop it first: "
                        + Main.self() + " stop --config " + Main.path(config) + " --execution " + executionId);
                return ExitCode.REFUSED;
            }
            JobRepository repository = ctx.getBean(JobRepository.class);
            try {
                execution = ctx.getBean(JobOperator.class).abandon(execution.getStatus().isRunning()
                        ? ctx.getBean(JobOperator.class).recover(execution) : execution);
            } catch (Exception e) {
                throw new JobRuns.JobLaunchException(e);
            }
            execution.setExitStatus(new ExitStatus("ABANDONED", "abandoned by " + by + ": " + reason.strip()));
            repository.update(execution);
            System.out.println("Execution " + executionId + " (run " + execution.getJobInstance().getInstanceId()
                    + ", " + CandidateSource.describe(execution.getJobParameters()) + ") is ABANDONED, recorded as"
                    + " abandoned by " + by + ": " + reason.strip() + ". It can no longer be restarted.");
            return ExitCode.COMPLETED;
        }
    }
}
