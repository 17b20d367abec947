package org.accountpurge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.store.postgres.TenantLease;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code restart}: the remaining work of a failed or stopped execution. */
@Command(name = "restart", sortOptions = false, sortSynopsis = false, description = {
        "Finishes exactly the remaining work of a FAILED or STOPPED execution (status prints the command to use)."})
final class RestartCommand extends ExecutionCommand {

    @Option(names = "--after-crash", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "Its process died and it is still marked running (no other process holds the tenant).")
    private Flag afterCrash = Flag.OFF;

    @Option(names = "--config-changed", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "The job configuration was changed on purpose since the run started (recorded).")
    private Flag configChanged = Flag.OFF;

    @Mixin
    private Options.Guard guard;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("restart", false);
        return restart(config.file, execution.id, afterCrash.on(), configChanged.on(), guard.override.on(),
                properties());
    }

    /**
     * @param afterCrash    the execution is still marked running because its process died (killed, machine lost):
     *                      mark it failed first. Safe: it is only done while this process holds the tenant's lock.
     * @param configChanged the job configuration differs from the one the run's last execution used, on purpose
     */
    static int restart(Path config, long executionId, boolean afterCrash, boolean configChanged, boolean overrideGuard,
                       Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.writing(config, properties,
                JobRuns.guard(overrideGuard))) {
            JobRepository repository = ctx.getBean(JobRepository.class);
            JobExecution execution = JobRuns.execution(ctx, executionId);
            Optional<TenantLease> lock = JobRuns.lock(ctx);
            if (lock.isEmpty()) {
                return JobRuns.refusedByLock(ctx);
            }
            try (TenantLease held = lock.get()) {
                String refusal = restartRefusal(ctx, config, execution, afterCrash, configChanged);
                if (refusal != null) {
                    System.err.println("account-purge: " + refusal);
                    return ExitCode.REFUSED;
                }
                if (!JobRuns.prepare(ctx)) {
                    return ExitCode.NOT_STARTED;
                }
                JobOperator operator = ctx.getBean(JobOperator.class);
                if (execution.getStatus().isRunning()) {
                    execution = operator.recover(execution);
                }
                JobRuns.failUnknownSteps(repository, execution);
                try {
                    return RunPrinter.report(ctx, config, operator.restart(execution));
                } catch (Exception e) {
                    throw new JobRuns.JobLaunchException(e);
                }
            }
        }
    }

    /** Why this execution may not be restarted now; null when it may. */
    private static String restartRefusal(ConfigurableApplicationContext ctx, Path config, JobExecution execution,
                                         boolean afterCrash, boolean configChanged) {
        long id = execution.getId();
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        long run = execution.getJobInstance().getInstanceId();
        Long latest = ctx.getBean(JobRepository.class).getLastJobExecution(execution.getJobInstance()).getId();
        if (latest != id) {
            return "execution " + id + " is not the last of its run; the last one is " + latest + ": "
                    + RunPrinter.restartCommand(ctx, config, latest, false);
        }
        if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
            return "execution " + id + " is " + execution.getStatus() + ": there is nothing to restart";
        }
        if (execution.getStatus().isRunning() && !afterCrash) {
            return "execution " + id + " is marked " + execution.getStatus() + ", but no process holds the tenant's"
                    + " lock, so the process that ran it is gone (killed, machine lost). Mark it failed and restart"
                    + " it with:\n  " + RunPrinter.restartCommand(ctx, config, id, true);
        }
        String input = execution.getJobParameters().getString(CandidateSource.INPUT);
        String expected = execution.getJobParameters().getString(CandidateSource.INPUT_SHA256);
        if (input != null && expected != null) {
            Path file = Path.of(input);
            String now = Files.isRegularFile(file) ? CsvCandidateReader.sha256(file) : null;
            if (!expected.equals(now)) {
                return "the input file " + input + (now == null ? " is gone" : " changed") + " since run " + run
                        + " started (SHA-256 " + expected + (now == null ? "" : ", now " + now) + "). A restart"
                        + " finishes exactly the file the run started with: put that file back, or purge the new file"
                        + " as a new run (--new-run).";
            }
        }
        String recorded = ExecutionConfigRecorder.latest(jdbc, run);
        String current = ctx.getEnvironment().getProperty("account-purge.config-sha256");
        if (recorded != null && !recorded.equals(current) && !configChanged) {
            return "the job configuration " + config + " changed since the run's last execution (SHA-256 " + recorded
                    + ", now " + current + "). If the change is intended (it is recorded with the run), restart with:\n  "
                    + RunPrinter.restartCommand(config, id, false) + " --config-changed"; // the file given: the changed one
        }
        return null;
    }
}
