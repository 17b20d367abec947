package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.audit.StepLog;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.postgres.TenantLock;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The operator's commands on executions, through the job repository (so they work from another terminal or machine):
 * {@code list} recent executions, {@code stop} a running one gracefully, {@code abandon} one for good with a reason,
 * {@code failed}: the accounts a run left FAILED, with the error of each; {@code report}: an execution's report
 * folder written again.
 */
final class Operations {

    private Operations() {
    }

    /** One line per recent execution, newest first: run, what it purges, status, counts, start (by whom) and end. */
    static int list(Path config, int limit, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = PurgeRun.context(config, properties, PurgeRun.Access.READ_ONLY)) {
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            List<String> lines = jdbc.query("""
                    SELECT e.job_execution_id, e.job_instance_id, e.status,
                           date_trunc('second', e.start_time), date_trunc('second', e.end_time),
                           (SELECT string_agg(p.parameter_value, ' of ' ORDER BY p.parameter_name DESC)
                              FROM purge.batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id
                               AND p.parameter_name IN ('input', 'selection', 'run.date')),
                           (SELECT p.parameter_value FROM purge.batch_job_execution_params p
                             WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = 'dry.run'),
                           (SELECT string_agg(lower(state) || ' ' || n, ', ' ORDER BY state)
                              FROM (SELECT state, count(*) AS n FROM purge.candidate c
                                     WHERE c.run_id = e.job_instance_id GROUP BY state) s),
                           (SELECT c.initiator FROM purge.execution_config c WHERE c.job_execution_id = e.job_execution_id)
                      FROM purge.batch_job_execution e ORDER BY e.job_execution_id DESC LIMIT ?
                    """, (rs, n) -> "execution " + rs.getLong(1) + "  run " + rs.getLong(2) + "  " + rs.getString(3)
                    + ("true".equals(rs.getString(7)) ? " (dry run)" : "") + "  " + rs.getString(6) + "  started "
                    + rs.getString(4) + (rs.getString(9) == null ? "" : " by " + rs.getString(9))
                    + (rs.getString(5) == null ? "" : ", ended " + rs.getString(5)) + "  accounts: "
                    + (rs.getString(8) == null ? "none" : rs.getString(8)), limit);
            System.out.println(lines.isEmpty() ? "No executions yet." : String.join("\n", lines));
            return PurgeRun.COMPLETED;
        }
    }

    /**
     * Asks a running execution to stop after its chunk in progress (Spring Batch's STOPPING, seen by the running
     * process at its next chunk): it ends STOPPED, restartable. Nothing to stop is a refusal (exit 3).
     */
    static int stop(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = PurgeRun.context(config, properties, PurgeRun.Access.WRITE)) {
            JobExecution execution = execution(ctx, executionId);
            if (!execution.getStatus().isRunning()) {
                System.err.println("account-purge: execution " + executionId + " is " + execution.getStatus()
                        + ": there is nothing to stop");
                return PurgeRun.REFUSED;
            }
            if (holders(ctx).isEmpty()) {
                System.err.println("account-purge: execution " + executionId + " is marked " + execution.getStatus()
                        + " but no process holds the tenant's lock: its process is gone, there is nothing to stop. To"
                        + " finish it: " + PurgeRun.restartCommand(ctx, config, executionId, true));
                return PurgeRun.REFUSED;
            }
            try {
                ctx.getBean(JobOperator.class).stop(execution);
            } catch (Exception e) {
                throw new PurgeRun.JobLaunchException(e);
            }
            System.out.println("Execution " + executionId + " is asked to stop: it ends STOPPED after the chunk in"
                    + " progress (the process running it prints its summary). To go on later: "
                    + PurgeRun.restartCommand(ctx, config, executionId, false));
            return PurgeRun.COMPLETED;
        }
    }

    /**
     * Gives an execution up for good (Spring Batch's ABANDONED: it can never be restarted), recording who and why in
     * its exit description. A running execution is refused; stop it first.
     */
    static int abandon(Path config, long executionId, String reason, String by, Map<String, Object> properties) {
        if (reason == null || reason.isBlank()) {
            throw new UsageException("abandon needs --reason (it is recorded with the execution)");
        }
        try (ConfigurableApplicationContext ctx = PurgeRun.context(config, properties, PurgeRun.Access.WRITE)) {
            JobExecution execution = execution(ctx, executionId);
            if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
                System.err.println("account-purge: execution " + executionId + " is " + execution.getStatus()
                        + ": there is nothing to abandon");
                return PurgeRun.REFUSED;
            }
            if (execution.getStatus().isRunning() && !holders(ctx).isEmpty()) {
                System.err.println("account-purge: execution " + executionId + " is running; stop it first: "
                        + Main.self() + " stop --config " + Main.path(config) + " --execution " + executionId);
                return PurgeRun.REFUSED;
            }
            JobRepository repository = ctx.getBean(JobRepository.class);
            try {
                execution = ctx.getBean(JobOperator.class).abandon(execution.getStatus().isRunning()
                        ? ctx.getBean(JobOperator.class).recover(execution) : execution);
            } catch (Exception e) {
                throw new PurgeRun.JobLaunchException(e);
            }
            execution.setExitStatus(new ExitStatus("ABANDONED", "abandoned by " + by + ": " + reason.strip()));
            repository.update(execution);
            System.out.println("Execution " + executionId + " (run " + execution.getJobInstance().getInstanceId()
                    + ", " + CandidateSource.describe(execution.getJobParameters()) + ") is ABANDONED, recorded as"
                    + " abandoned by " + by + ": " + reason.strip() + ". It can no longer be restarted.");
            return PurgeRun.COMPLETED;
        }
    }

    /** The accounts an execution's run left FAILED, each with the store, target and error of its last failure. */
    static int failed(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = PurgeRun.context(config, properties, PurgeRun.Access.READ_ONLY)) {
            JobExecution execution = execution(ctx, executionId);
            long run = execution.getJobInstance().getInstanceId();
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            Map<String, Long> redriven = redriven(jdbc, run);
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
            return PurgeRun.COMPLETED;
        }
    }

    /**
     * Writes an execution's report folder again from the job repository (read-only: no lock, answers during a purge;
     * a running execution gets a report of its progress so far).
     */
    static int report(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = PurgeRun.context(config, properties, PurgeRun.Access.READ_ONLY)) {
            JobExecution execution = execution(ctx, executionId);
            Path folder;
            try {
                folder = PurgeRun.writeReport(ctx, PurgeRun.summary(ctx, execution), true);
            } catch (IllegalStateException e) { // the folder is another tenant's or execution's: never overwritten
                System.err.println("account-purge: " + e.getMessage());
                return PurgeRun.REFUSED;
            }
            System.out.println("Report of execution " + executionId + " (run " + execution.getJobInstance()
                    .getInstanceId() + ", " + execution.getStatus() + "): " + folder.resolve("report.html")
                    + " (and report.json, purged.csv, retained.csv, failed.csv, rejected.csv)");
            return PurgeRun.COMPLETED;
        }
    }

    /** A run's FAILED accounts purged since by a later run ("kind id" to that run). */
    static Map<String, Long> redriven(JdbcTemplate jdbc, long run) {
        Map<String, Long> by = new java.util.HashMap<>();
        jdbc.query(StepLog.REDRIVEN, rs -> {
            by.put(rs.getString(1) + " " + rs.getString(2), rs.getLong(3));
        }, run);
        return by;
    }

    private static JobExecution execution(ConfigurableApplicationContext ctx, long executionId) {
        return PurgeRun.execution(ctx, executionId);
    }

    private static List<String> holders(ConfigurableApplicationContext ctx) {
        return TenantLock.holders(ctx.getBean(DataSource.class), ctx.getBean(PurgeProperties.class).postgres().schema());
    }
}
