package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.accountpurge.audit.StepLog;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;

/** {@code failed}: the accounts a run left FAILED. */
@Command(name = "failed", sortOptions = false, sortSynopsis = false,
        description = "The accounts the run left FAILED, with the store, target and error of each. Read-only.")
final class FailedCommand extends ExecutionCommand {

    @Override
    public Integer call() {
        return failed(config.file, execution.id, properties());
    }

    /** The accounts an execution's run left FAILED, each with the store, target and error of its last failure. */
    static int failed(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.readOnly(config, properties)) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            long run = execution.getJobInstance().getInstanceId();
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            Map<String, Long> redriven = JobRuns.redriven(jdbc, run);
            List<String> lines = jdbc.query(StepLog.FAILED_ACCOUNTS, (rs, n) -> {
                Long by = redriven.get(rs.getString(1) + " " + rs.getString(2));
                return rs.getString(1) + " " + rs.getString(2) + "  " + rs.getString(3) + " " + rs.getString(4) + "  "
                        + rs.getString(5) + (by == null ? "" : "  (re-driven: purged since by run " + by + ")");
            }, run);
            long left = lines.size() - redriven.size();
            System.out.println("Run " + run + ": " + (lines.isEmpty() ? "no FAILED accounts" : lines.size()
                    + " FAILED account(s) (kind id  store target  error):\n  " + String.join("\n  ", lines)
                    + (left == 0 ? "\nEvery one was purged since by a later run: nothing to retry."
                    : "\nOnce the cause is fixed: " + Main.self() + " retry-failed --config " + Main.path(config)
                    + " --execution " + executionId + (redriven.isEmpty() ? "" : " (it retries the " + left
                    + " not purged since)"))));
            return ExitCode.COMPLETED;
        }
    }
}
