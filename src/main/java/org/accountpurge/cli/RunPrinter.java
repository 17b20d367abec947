package org.accountpurge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.accountpurge.audit.ReportFolder;
import org.accountpurge.audit.RunReport;
import org.accountpurge.audit.RunSummary;
import org.accountpurge.audit.SummaryTasklet;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.JobSection;
import org.accountpurge.worker.ManagerAlive;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** What a command prints about a run: its summary and report folder, why it did not complete, what to paste next. */
public final class RunPrinter {

    private RunPrinter() {
    }

    static RunSummary summary(ConfigurableApplicationContext ctx, JobExecution execution) {
        return RunSummary.load(ctx.getBean(JdbcTemplate.class), execution.getJobInstance().getInstanceId(),
                execution.getId(), execution.getStatus().name(), SummaryTasklet.isDryRun(execution),
                CandidateSource.describe(execution.getJobParameters()));
    }

    public static int report(ConfigurableApplicationContext ctx, Path config, JobExecution execution) {
        RunSummary summary = summary(ctx, execution);
        List<String> lines = new ArrayList<>(summary.lines());
        boolean csvs = !execution.getExecutionContext().containsKey(SummaryTasklet.SUMMARY_FILE);
        Path folder = writeReport(ctx, summary, csvs);
        JobSection.Window window = ctx.getBean(PurgeProperties.class).job().window();
        boolean windowClosed = execution.getStatus() == BatchStatus.STOPPED && window != null
                && !Instant.now().isBefore(window.closesAfter(execution.getStartTime()
                .atZone(java.time.ZoneId.systemDefault()).toInstant()));
        if (windowClosed) {
            lines.add("  stopped: the run's window closed at " + window.closesAt() + " " + window.zone() + "; every"
                    + " chunk is whole (" + (window.resumes() ? "the next nightly resumes it" : "the next nightly"
                    + " starts fresh") + ")");
            lines.add("  to go on now: " + restartCommand(ctx, config, execution.getId(), false));
        } else if (execution.getStatus() == BatchStatus.STOPPED) {
            lines.add("  stopped on request (SIGTERM, or a stop): every chunk is whole"
                    + (CandidateSource.runDate(execution.getJobParameters()) == null ? ""
                    : "; the next nightly of its selection resumes it"));
            lines.add("  to go on now: " + restartCommand(ctx, config, execution.getId(), false));
        } else if (execution.getStatus() != BatchStatus.COMPLETED) {
            lines.add("  the run did not complete: " + cause(execution));
            failedPartitions(ctx, execution).forEach(lines::add);
            if (JobRuns.restartable(execution)) {
                lines.add("  to finish it: " + restartCommand(ctx, config, execution.getId(), false));
            }
        }
        lines.add("Report: " + folder.resolve(ReportFolder.HTML) + " (and report.json, CSVs of the account ids)");
        lines.forEach(System.out::println);
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            return summary.failed() > 0 ? ExitCode.COMPLETED_WITH_FAILED_ACCOUNTS : ExitCode.COMPLETED;
        }
        return windowClosed ? ExitCode.STOPPED_BY_WINDOW : ExitCode.FAILED;
    }

    /**
     * Writes the execution's report folder (again): the CSVs too unless the run's summary step wrote them already.
     * Read in one read-only transaction, so that the CSVs stream.
     */
    static Path writeReport(ConfigurableApplicationContext ctx, RunSummary summary, boolean csvs) {
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        org.springframework.transaction.support.TransactionTemplate tx =
                new org.springframework.transaction.support.TransactionTemplate(
                        ctx.getBean(org.springframework.transaction.PlatformTransactionManager.class));
        tx.setReadOnly(true);
        return tx.execute(status -> ReportFolder.write(Path.of(ctx.getBean(PurgeProperties.class).job()
                .reportDirectory()), RunReport.load(jdbc, summary), jdbc, csvs));
    }

    /** The whole command to paste: how this program was started, the configuration (absolute), the execution. */
    static String restartCommand(Path config, long executionId, boolean afterCrash) {
        return Main.self() + " restart --config " + Main.path(config)
                + " --execution " + executionId + (afterCrash ? " --after-crash" : "");
    }

    /**
     * The restart to paste for an execution of this tenant: with the configuration file its run last ran with (as
     * recorded, not the one this command was given: another path is refused as a changed configuration), and
     * {@code --override-guard} when the blast-radius guard failed it (without, it fails the same way again).
     */
    static String restartCommand(ConfigurableApplicationContext ctx, Path config, long executionId,
                                 boolean afterCrash) {
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        List<String> recorded = jdbc.queryForList("SELECT c.config_file FROM purge.execution_config c JOIN"
                + " purge.batch_job_execution e ON e.job_instance_id = c.run_id WHERE e.job_execution_id = ? AND"
                + " c.config_file IS NOT NULL ORDER BY c.job_execution_id DESC LIMIT 1", String.class, executionId);
        Boolean guard = jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM purge.batch_step_execution WHERE"
                + " job_execution_id = ? AND status = 'FAILED' AND strpos(exit_message, ?) > 0)", Boolean.class,
                executionId, org.accountpurge.purge.BlastRadius.FAILURE);
        return restartCommand(recorded.isEmpty() ? config : Path.of(recorded.get(0)), executionId, afterCrash)
                + (Boolean.TRUE.equals(guard) ? " --override-guard" : "");
    }

    /**
     * Writes a CSV of ids next to the run reports, in the tenant's folder, named {@code <name>-<timestamp>.csv};
     * returns its path.
     */
    static Path writeReportCsv(JobSection job, JdbcTemplate jdbc, String name, String text) {
        Path csv = Path.of(job.reportDirectory(), org.accountpurge.audit.ReportFolder.tenant(jdbc), name + "-"
                + Instant.now().toString().replaceAll("[^0-9TZ]", "") + ".csv").toAbsolutePath();
        try {
            Files.createDirectories(csv.getParent());
            Files.writeString(csv, text);
            return csv;
        } catch (java.io.IOException e) {
            throw new StartupException("cannot write " + csv + ": " + e.getMessage(), true);
        }
    }

    /** The failure's own message: the innermost exception of ours (not the framework's wrapping of it). */
    /**
     * Each failed partition of the execution and why, in the words its step execution was left with (a worker's
     * failure, or the manager's when it gave up on a silent worker): the run's own failure only says a partition
     * failed.
     */
    static List<String> failedPartitions(ConfigurableApplicationContext ctx, JobExecution execution) {
        org.springframework.batch.core.repository.JobRepository repository = ctx.getBean(
                org.springframework.batch.core.repository.JobRepository.class);
        List<String> lines = new ArrayList<>();
        for (Long id : ctx.getBean(org.springframework.jdbc.core.JdbcTemplate.class).queryForList("SELECT"
                + " step_execution_id FROM purge.batch_step_execution WHERE job_execution_id = ? AND step_name LIKE"
                + " '%:partition%' AND status = 'FAILED' ORDER BY step_execution_id", Long.class, execution.getId())) {
            org.springframework.batch.core.step.StepExecution partition = repository.getStepExecution(id);
            String why = partition.getExecutionContext().containsKey(ManagerAlive.STOPPED)
                    ? partition.getExecutionContext().getString(ManagerAlive.STOPPED)
                    : partition.getExitStatus().getExitDescription().lines().findFirst().orElse("");
            lines.add("  partition " + partition.getStepName() + " failed: " + (why.length() > 300
                    ? why.substring(0, 300) + "…" : why));
        }
        return lines;
    }

    static String cause(JobExecution execution) {
        List<Throwable> failures = execution.getAllFailureExceptions();
        if (failures.isEmpty()) {
            return execution.getExitStatus().getExitCode();
        }
        Throwable cause = failures.get(0);
        for (Throwable f : failures) {
            for (Throwable t = f; t != null; t = t.getCause()) {
                if (t instanceof org.springframework.transaction.TransactionSystemException tse
                        && tse.getApplicationException() != null) {
                    cause = tse.getApplicationException(); // the failure, not the rollback that failed after it
                }
            }
        }
        Throwable ours = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("org.accountpurge.")) {
                ours = t;
                break;
            }
        }
        Throwable shown = ours != null ? ours : cause;
        return shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
    }
}
