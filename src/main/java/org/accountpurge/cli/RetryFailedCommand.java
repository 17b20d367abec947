package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.JobSection;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code retry-failed}: the FAILED accounts of a completed run, purged again. */
@Command(name = "retry-failed", sortOptions = false, sortSynopsis = false,
        description = "Purges the FAILED accounts of a completed run again, as a new run (accounts a later run has"
                + " purged since are left out).")
final class RetryFailedCommand extends ExecutionCommand {

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("retry-failed", false);
        return retryFailed(config.file, execution.id, properties());
    }

    /**
     * Re-drives exactly the FAILED accounts of an execution's run (once their cause is fixed): writes their ids as a
     * CSV next to the run's reports and purges it as a new run, with every check of {@code purge}.
     */
    static int retryFailed(Path config, long executionId, Map<String, Object> properties) {
        Path csv;
        try (ConfigurableApplicationContext ctx = TenantContext.readOnly(config, properties)) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            if (org.accountpurge.candidate.CandidateSource.isDryRun(execution.getJobParameters())) {
                throw new UsageException("execution " + executionId + " is a dry run: it purged nothing, and"
                        + " its FAILED accounts are those a real run would fail; purge the file without --dry-run");
            }
            if (execution.getStatus().isRunning() || JobRuns.restartable(execution)) {
                System.err.println("account-purge: run " + execution.getJobInstance().getInstanceId() + " has not"
                        + " completed (" + execution.getStatus() + "): finish it first with "
                        + RunPrinter.restartCommand(ctx, config, executionId, false));
                return ExitCode.REFUSED;
            }
            long run = execution.getJobInstance().getInstanceId();
            Map<String, Long> redriven = JobRuns.redriven(ctx.getBean(JdbcTemplate.class), run);
            List<String> rows = ctx.getBean(JdbcTemplate.class).query("SELECT account_id, kind FROM purge.candidate"
                    + " WHERE run_id = ? AND state = 'FAILED' ORDER BY kind DESC, account_id", (rs, n) ->
                    redriven.containsKey(rs.getString(2) + " " + rs.getString(1)) ? null
                            : rs.getString(1) + "," + rs.getString(2), run).stream()
                    .filter(java.util.Objects::nonNull).toList();
            if (rows.isEmpty()) {
                System.out.println("Run " + run + (redriven.isEmpty() ? " has no FAILED accounts"
                        : "'s " + redriven.size() + " FAILED account(s) were all purged since by a later run (run(s) "
                        + new java.util.TreeSet<>(redriven.values()) + ")") + ": nothing to retry.");
                return ExitCode.COMPLETED;
            }
            if (!redriven.isEmpty()) {
                System.out.println(redriven.size() + " FAILED account(s) of run " + run + " were purged since by a"
                        + " later run; retrying the others.");
            }
            JobSection job = ctx.getBean(PurgeProperties.class).job();
            PurgeProperties.Input in = ctx.getBean(PurgeProperties.class).input();
            csv = RunPrinter.writeReportCsv(job, ctx.getBean(JdbcTemplate.class), "run-" + run + "-failed",
                    in.idColumn() + "," + in.kindColumn() + "\n" + String.join("\n", rows) + "\n");
            System.out.println("Retrying the " + rows.size() + " FAILED account(s) of run " + run + " as a new run of "
                    + csv);
        }
        return PurgeCommand.start(config, csv, true, false, false, properties);
    }
}
