package org.accountpurge.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.accountpurge.audit.StepLog;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.job.PurgeJobConfiguration;
import org.accountpurge.purge.Preflight;
import org.accountpurge.store.postgres.TenantLease;
import org.accountpurge.store.postgres.TenantLock;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The executions of a tenant's job: looked up, launched, restarted; and the checks before (the tenant's lock, the
 * preflight, the tool's tables migrated). Executions are read through the {@link JobRepository}; searches by a job
 * parameter's value (the same input, the same selection and date) are SQL on its tables, here only, because the
 * repository has no such search.
 */
public final class JobRuns {

    private JobRuns() {
    }

    /**
     * Runs a new instance of the job on the input (synchronously) and returns its execution; the tool's tables are
     * migrated first if they are not yet (a caller that did not {@link #prepare}: the benchmark).
     */
    public static JobExecution launch(ConfigurableApplicationContext ctx, Path input, String sha256, boolean dryRun)
            throws JobLaunchException {
        ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow();
        JobParameters parameters = new JobParametersBuilder()
                .addString(CandidateSource.INPUT, input.toAbsolutePath().toString())
                .addString(CandidateSource.INPUT_SHA256, sha256)
                .addString(CandidateSource.RUN_STARTED, Instant.now().toString())
                .addString(CandidateSource.DRY_RUN, String.valueOf(dryRun))
                .toJobParameters();
        try {
            return ctx.getBean(JobOperator.class).start(ctx.getBean(PurgeJobConfiguration.JOB, Job.class), parameters);
        } catch (Exception e) {
            throw new JobLaunchException(e);
        }
    }

    /** Runs the selection's purge of a run date (synchronously) and returns its execution. */
    static JobExecution launchNight(ConfigurableApplicationContext ctx, String selection, LocalDate runDate,
                                    boolean dryRun) {
        JobParametersBuilder parameters = night(selection, runDate, dryRun);
        if (dryRun) { // dry runs may be repeated: each is an instance of its own
            parameters.addString(CandidateSource.RUN_STARTED, Instant.now().toString());
        }
        try {
            return ctx.getBean(JobOperator.class).start(ctx.getBean(PurgeJobConfiguration.JOB, Job.class),
                    parameters.toJobParameters());
        } catch (Exception e) {
            throw new JobLaunchException(e);
        }
    }

    /** The parameters that identify a night's run: the selection, the run date, whether it is a dry run. */
    static JobParametersBuilder night(String selection, LocalDate runDate, boolean dryRun) {
        return new JobParametersBuilder()
                .addString(CandidateSource.SELECTION, selection)
                .addString(CandidateSource.RUN_DATE, runDate.toString())
                .addString(CandidateSource.DRY_RUN, String.valueOf(dryRun));
    }

    /** The job repository refused to start or restart the execution. */
    static final class JobLaunchException extends RuntimeException {
        JobLaunchException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * The execution with this id in the tenant's job repository; when there is none (or no purge ever ran against the
     * tenant's database), a command-line error: exit 2, "no execution N in this tenant", nothing else done.
     */
    static JobExecution execution(ConfigurableApplicationContext ctx, long executionId) {
        boolean repository = repositoryExists(ctx);
        JobExecution found = repository ? lookUp(ctx, executionId) : null;
        if (found == null) {
            throw new StartupException("no execution " + executionId + " in this tenant" + (repository
                    ? " (its executions: " + Main.self() + " list --config " + Main.path(Path.of(ctx.getEnvironment()
                    .getProperty("account-purge.config-file"))) + ")" : " (no purge has run against its database yet)"),
                    true);
        }
        return found;
    }

    /** The execution, or null when the repository has none of that id. */
    private static JobExecution lookUp(ConfigurableApplicationContext ctx, long executionId) {
        try {
            return ctx.getBean(JobRepository.class).getJobExecution(executionId);
        } catch (org.springframework.dao.EmptyResultDataAccessException none) { // how the JDBC repository says it
            return null;
        }
    }

    /** Whether a purge ever ran against the tenant's database: its job repository's tables exist. */
    static boolean repositoryExists(ConfigurableApplicationContext ctx) {
        return Boolean.TRUE.equals(ctx.getBean(JdbcTemplate.class).queryForObject(
                "SELECT to_regclass('purge.batch_job_execution') IS NOT NULL", Boolean.class));
    }

    static boolean restartable(JobExecution execution) {
        return execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.STOPPED
                || execution.getStatus() == BatchStatus.UNKNOWN;
    }

    /**
     * The preflight, then — only when it finds nothing wrong — the tool's own tables migrated: a refused run (exit 2)
     * leaves the tenant's database exactly as it found it.
     */
    static boolean prepare(ConfigurableApplicationContext ctx) {
        if (!preflight(ctx)) {
            return false;
        }
        ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow();
        return true;
    }

    static boolean preflight(ConfigurableApplicationContext ctx) {
        List<String> problems = ctx.getBean(Preflight.class).problems();
        if (problems.isEmpty()) {
            return true;
        }
        System.err.println("account-purge: nothing was started; fix these first:\n  - "
                + String.join("\n  - ", problems));
        return false;
    }

    /** {@code --override-guard}: the blast-radius guard lets this execution go on, and records it. */
    static Map<String, Object> guard(boolean override) {
        return override ? Map.of("account-purge.override-guard", "true") : Map.of();
    }

    static Optional<TenantLease> lock(ConfigurableApplicationContext ctx) {
        TenantLease lease = ctx.getBean(TenantLease.class);
        return lease.acquire() ? Optional.of(lease) : Optional.empty();
    }

    static String schema(ConfigurableApplicationContext ctx) {
        return ctx.getBean(PurgeProperties.class).postgres().schema();
    }

    static int refusedByLock(ConfigurableApplicationContext ctx) {
        List<String> running = !repositoryExists(ctx) ? List.of() : ctx.getBean(JobRepository.class)
                .findRunningJobExecutions(PurgeJobConfiguration.JOB).stream()
                .sorted(java.util.Comparator.comparing(JobExecution::getId).reversed())
                .map(e -> "execution " + e.getId() + " (" + e.getStatus() + " since "
                        + (e.getStartTime() == null ? "-" : e.getStartTime().withNano(0).toString().replace('T', ' '))
                        + ", " + CandidateSource.describe(e.getJobParameters()) + ")").toList();
        List<String> holders = TenantLock.holders(ctx.getBean(javax.sql.DataSource.class), schema(ctx));
        System.err.println("account-purge: another purge is running on this tenant (schema " + schema(ctx) + "): "
                + (running.isEmpty() ? "no execution recorded yet" : String.join(", ", running))
                + (holders.isEmpty() ? "" : "; its lock is held by " + String.join(", ", holders))
                + ". Only one purge runs on a tenant at a time: wait for it to end.");
        return ExitCode.REFUSED;
    }

    /** An execution as the job repository has it: its id and status. */
    record LastExecution(long id, String status) {
        boolean markedRunning() {
            return BatchStatus.valueOf(status).isRunning();
        }
    }

    /**
     * The last execution of a real (not dry) run of the same file, when that run never completed: failed, stopped,
     * or still marked running although its process is gone (the caller holds the tenant's lock).
     */
    /**
     * "run R purged this file on DATE (execution E)" when a real run of this same input (by SHA-256) completed; null
     * when none did.
     */
    static String completedRun(JdbcTemplate jdbc, String sha256) {
        LastExecution completed = lastRealExecution(jdbc, true, "e.status = 'COMPLETED' AND "
                + parameter(CandidateSource.INPUT_SHA256) + " = ?", sha256);
        if (completed == null) {
            return null;
        }
        return jdbc.queryForObject("SELECT 'run ' || job_instance_id || ' purged this file on ' || to_char(end_time,"
                + " 'YYYY-MM-DD HH24:MI:SS') || ' (execution ' || job_execution_id || ', COMPLETED)' FROM"
                + " purge.batch_job_execution WHERE job_execution_id = ?", String.class, completed.id());
    }

    static LastExecution unfinishedExecution(JdbcTemplate jdbc, String sha256) {
        return lastRealExecution(jdbc, true, "e.status NOT IN ('COMPLETED', 'ABANDONED') AND "
                + parameter(CandidateSource.INPUT_SHA256) + " = ?", sha256);
    }

    /**
     * The newest execution of a real (not dry) run matching {@code where} (SQL on execution {@code e}, see
     * {@link #parameter}); with {@code lastOfRun}, only each run's last execution is considered. Null when none.
     */
    static LastExecution lastRealExecution(JdbcTemplate jdbc, boolean lastOfRun, String where, Object... args) {
        List<LastExecution> found = jdbc.query("SELECT e.job_execution_id, e.status FROM purge.batch_job_execution e WHERE "
                + (lastOfRun ? "e.job_execution_id IN (SELECT max(job_execution_id) FROM purge.batch_job_execution"
                + " GROUP BY job_instance_id) AND " : "") + "coalesce(" + parameter(CandidateSource.DRY_RUN)
                + ", 'false') <> 'true' AND " + where + " ORDER BY 1 DESC LIMIT 1",
                (rs, n) -> new LastExecution(rs.getLong(1), rs.getString(2)), args);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The value of a job parameter of execution {@code e}, as SQL. */
    static String parameter(String name) {
        return "(SELECT p.parameter_value FROM purge.batch_job_execution_params p WHERE p.job_execution_id ="
                + " e.job_execution_id AND p.parameter_name = '" + name + "')";
    }

    /**
     * A chunk whose transaction ended with an unknown outcome (its database connection was lost while it committed
     * or rolled back) leaves its step UNKNOWN, which Spring Batch will not restart. Here that outcome is known to be
     * safe to redo: the chunk's bookkeeping (candidate states, database step log) commits with its rows, the reader
     * only reads PENDING candidates, and every store call is idempotent. Such steps are marked FAILED, and said so.
     */
    static void failUnknownSteps(JobRepository repository, JobExecution execution) {
        List<String> unknown = new ArrayList<>();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.UNKNOWN) {
                step.setStatus(BatchStatus.FAILED);
                step.setExitStatus(ExitStatus.FAILED);
                repository.update(step);
                unknown.add(step.getStepName());
            }
        }
        if (execution.getStatus() == BatchStatus.UNKNOWN || !unknown.isEmpty()) {
            System.out.println("Execution " + execution.getId() + (unknown.isEmpty() ? "" : ", step(s) " + unknown + ",")
                    + " ended with an unknown outcome (the database connection was lost during a commit or rollback);"
                    + " marked FAILED: the chunk is redone, every store call being idempotent.");
            if (execution.getStatus() == BatchStatus.UNKNOWN) {
                execution.setStatus(BatchStatus.FAILED);
                repository.update(execution);
            }
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

    static List<String> holders(ConfigurableApplicationContext ctx) {
        return TenantLock.holders(ctx.getBean(DataSource.class), schema(ctx));
    }
}
