package org.accountpurge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.PurgeApplication;
import org.accountpurge.audit.RunSummary;
import org.accountpurge.audit.SummaryTasklet;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.config.PurgeProperties;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts or restarts {@code accountPurgeJob} with a job configuration file, prints the run's summary and returns
 * the exit code (0 when the run completed).
 */
final class PurgeRun {

    private PurgeRun() {
    }

    /** The application with the job configuration imported; {@code properties} fill its ${...} placeholders. */
    static ConfigurableApplicationContext context(Path config, Map<String, Object> properties) {
        return context(config, properties, Map.of());
    }

    /** ... and {@code overrides} take precedence over the job configuration's own values. */
    static ConfigurableApplicationContext context(Path config, Map<String, Object> properties,
                                                  Map<String, Object> overrides) {
        if (!Files.isRegularFile(config)) {
            throw new Args.UsageException("job configuration " + config + " does not exist");
        }
        List<String> args = new ArrayList<>();
        args.add("--spring.config.additional-location=file:" + config.toAbsolutePath());
        overrides.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(PurgeApplication.class).web(WebApplicationType.NONE)
                .properties(properties).logStartupInfo(false).run(args.toArray(String[]::new));
    }

    static int start(Path config, Path input, boolean newRun, boolean dryRun, Map<String, Object> properties)
            throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new Args.UsageException("input file " + input + " does not exist");
        }
        String sha256 = CsvCandidateReader.sha256(input);
        try (ConfigurableApplicationContext ctx = context(config, properties)) {
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            Long unfinished = unfinishedExecution(jdbc, sha256);
            if (unfinished != null && !newRun && !dryRun) {
                System.err.println("account-purge: execution " + unfinished + " of this same input did not complete."
                        + " Finish it with: restart --config " + config + " --execution " + unfinished
                        + " (or start over with --new-run true)");
                return 3;
            }
            return report(ctx, launch(ctx, input, sha256, dryRun));
        }
    }

    /** Runs a new instance of the job on the input (synchronously) and returns its execution. */
    static JobExecution launch(ConfigurableApplicationContext ctx, Path input, String sha256, boolean dryRun)
            throws Exception {
        JobParameters parameters = new JobParametersBuilder()
                .addString("input", input.toAbsolutePath().toString())
                .addString("input.sha256", sha256)
                .addString("run.started", Instant.now().toString())
                .addString("dry.run", String.valueOf(dryRun))
                .toJobParameters();
        return ctx.getBean(JobOperator.class).start(ctx.getBean("accountPurgeJob", Job.class), parameters);
    }

    /**
     * @param afterCrash the execution is still marked running because its process died (killed, machine lost):
     *                   mark it failed first. Never use it while the execution's process may still run.
     */
    static int restart(Path config, long executionId, boolean afterCrash, Map<String, Object> properties)
            throws Exception {
        try (ConfigurableApplicationContext ctx = context(config, properties)) {
            JobRepository repository = ctx.getBean(JobRepository.class);
            JobExecution failed = repository.getJobExecution(executionId);
            if (failed == null) {
                throw new Args.UsageException("there is no job execution " + executionId);
            }
            JobOperator operator = ctx.getBean(JobOperator.class);
            if (failed.getStatus().isRunning()) {
                if (!afterCrash) {
                    System.err.println("account-purge: execution " + executionId + " is marked " + failed.getStatus()
                            + ". If its process is gone (killed, machine lost), restart with --after-crash true;"
                            + " never while it still runs.");
                    return 3;
                }
                failed = operator.recover(failed);
            }
            JobExecution execution = operator.restart(failed);
            return report(ctx, execution);
        }
    }

    /** Prints what a run did so far (any execution of it, finished or not); exit code 0 when it completed. */
    static int status(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = context(config, properties)) {
            JobExecution execution = ctx.getBean(JobRepository.class).getJobExecution(executionId);
            if (execution == null) {
                throw new Args.UsageException("there is no job execution " + executionId);
            }
            summary(ctx, execution).lines().forEach(System.out::println);
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                System.out.println("  to finish it: restart --execution " + execution.getId()
                        + (execution.getStatus().isRunning() ? " (it is marked running: --after-crash true only if"
                        + " its process is gone)" : ""));
            }
            return execution.getStatus() == BatchStatus.COMPLETED ? 0 : 1;
        }
    }

    private static RunSummary summary(ConfigurableApplicationContext ctx, JobExecution execution) {
        return RunSummary.load(ctx.getBean(JdbcTemplate.class), execution.getJobInstance().getInstanceId(),
                execution.getId(), execution.getStatus().name(), SummaryTasklet.isDryRun(execution),
                execution.getJobParameters().getString("input"));
    }

    /** The last execution of a run of the same file that failed or stopped, if that run never completed. */
    private static Long unfinishedExecution(JdbcTemplate jdbc, String sha256) {
        List<Long> ids = jdbc.queryForList("""
                SELECT max(e.job_execution_id) FROM purge.batch_job_execution e
                JOIN purge.batch_job_execution_params p ON p.job_execution_id = e.job_execution_id
                WHERE p.parameter_name = 'input.sha256' AND p.parameter_value = ?
                  AND NOT EXISTS (SELECT 1 FROM purge.batch_job_execution_params d WHERE d.job_execution_id =
                                  e.job_execution_id AND d.parameter_name = 'dry.run' AND d.parameter_value = 'true')
                GROUP BY e.job_instance_id
                HAVING bool_and(e.status <> 'COMPLETED') AND bool_or(e.status IN ('FAILED', 'STOPPED'))
                ORDER BY 1 DESC LIMIT 1
                """, Long.class, sha256);
        return ids.isEmpty() ? null : ids.get(0);
    }

    static int report(ConfigurableApplicationContext ctx, JobExecution execution) {
        RunSummary summary = summary(ctx, execution);
        List<String> lines = new ArrayList<>(summary.lines());
        String file = execution.getExecutionContext().containsKey(SummaryTasklet.SUMMARY_FILE)
                ? execution.getExecutionContext().getString(SummaryTasklet.SUMMARY_FILE)
                : summary.writeJson(Path.of(ctx.getBean(PurgeProperties.class).job().reportDirectory())).toString();
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            lines.add("  the run did not complete: " + cause(execution));
            lines.add("  to finish it: restart --execution " + execution.getId());
        }
        lines.add("Summary JSON: " + file);
        lines.forEach(System.out::println);
        return execution.getStatus() == BatchStatus.COMPLETED ? 0 : 1;
    }

    /** The failure's own message: the innermost exception of ours (not the framework's wrapping of it). */
    private static String cause(JobExecution execution) {
        List<Throwable> failures = execution.getAllFailureExceptions();
        if (failures.isEmpty()) {
            return execution.getExitStatus().getExitCode();
        }
        Throwable cause = failures.get(0);
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

    /** Placeholders of the reference configuration filled from a running local stack. */
    static Map<String, Object> stackProperties(org.accountpurge.stack.StackEndpoints stack, String clientSecret) {
        Map<String, Object> p = new LinkedHashMap<>(stack.asPurgeProperties());
        p.put("PURGE_KC_CLIENT_SECRET", clientSecret);
        return p;
    }
}
