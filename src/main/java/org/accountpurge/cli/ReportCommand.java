package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

/** {@code report}: an execution's report folder, written again. */
@Command(name = "report", sortOptions = false, sortSynopsis = false,
        description = "Writes the execution's report folder again (report.json, report.html, CSVs of purged,"
                + " retained, failed and rejected ids) under purge.job.report-directory. Read-only; during a run it"
                + " reports the progress so far.")
final class ReportCommand extends ExecutionCommand {

    @Override
    public Integer call() {
        return report(config.file, execution.id, properties());
    }

    /**
     * Writes an execution's report folder again from the job repository (read-only: no lock, answers during a purge;
     * a running execution gets a report of its progress so far).
     */
    static int report(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.readOnly(config, properties)) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            Path folder;
            try {
                folder = RunPrinter.writeReport(ctx, RunPrinter.summary(ctx, execution), true);
            } catch (IllegalStateException e) { // the folder is another tenant's or execution's: never overwritten
                System.err.println("account-purge: " + e.getMessage());
                return ExitCode.REFUSED;
            }
            System.out.println("Report of execution " + executionId + " (run " + execution.getJobInstance()
                    .getInstanceId() + ", " + execution.getStatus() + "): " + folder.resolve("report.html")
                    + " (and report.json, purged.csv, retained.csv, failed.csv, rejected.csv)");
            return ExitCode.COMPLETED;
        }
    }
}
