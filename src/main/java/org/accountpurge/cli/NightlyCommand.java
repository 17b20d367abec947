package org.accountpurge.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.JobSection;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.job.PurgeJobConfiguration;
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

/** {@code nightly}: the inactivity purge of a date. */
@Command(name = "nightly", sortOptions = false, sortSynopsis = false, description = {
        "The inactivity purge of a date: candidates from purge.selection; one real run per date. It resumes a"
                + " stopped earlier night first (purge.job.window.next-night)."})
final class NightlyCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
            description = "The night whose cut-offs apply (default: today, UTC; at most tomorrow).")
    private String runDate;

    @Option(names = "--dry-run", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "Record candidates and retention only: no store is touched.")
    private Flag dryRun = Flag.OFF;

    @Mixin
    private Options.Guard guard;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("nightly", false);
        return nightly(config.file, runDate(), dryRun.on(), guard.override.on(), properties());
    }

    private LocalDate runDate() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (runDate == null) {
            return today;
        }
        LocalDate parsed;
        try {
            parsed = LocalDate.parse(runDate);
        } catch (DateTimeParseException e) {
            throw new UsageException("--run-date must be a date like 2026-11-25 (got '" + runDate + "')");
        }
        // a date ahead moves every cut-off forward: --run-date 9999-12-31 would select every active user
        LocalDate latest = today.plusDays(1);
        if (parsed.isAfter(latest)) {
            throw new UsageException("--run-date " + parsed + " is in the future: the latest run date is " + latest
                    + " (today in UTC plus a day, for a schedule in a zone ahead of UTC); its cut-offs would select"
                    + " accounts that are not inactive yet");
        }
        return parsed;
    }

    /**
     * The inactivity purge of a run date ({@code purge.selection}): one real run per selection and date — a second
     * launch while one runs is refused by the tenant's lock, after it completed by the job repository, and an
     * unfinished one is pointed at its restart. Dry runs may be repeated.
     */
    static int nightly(Path config, LocalDate runDate, boolean dryRun, boolean overrideGuard,
                       Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.writing(config, properties,
                JobRuns.guard(overrideGuard))) {
            SelectionSection selection = ctx.getBean(PurgeProperties.class).selection();
            if (selection == null) {
                throw new StartupException(config + " has no purge.selection: the nightly purge selects its"
                        + " candidates with it (a CSV is purged with: purge --input FILE)", true);
            }
            Optional<TenantLease> lock = JobRuns.lock(ctx);
            if (lock.isEmpty()) {
                return JobRuns.refusedByLock(ctx);
            }
            try (TenantLease held = lock.get()) {
                if (!JobRuns.prepare(ctx)) {
                    return ExitCode.NOT_STARTED;
                }
                JobSection.Window window = ctx.getBean(PurgeProperties.class).job().window();
                if (!dryRun) {
                    Integer stopped = earlierNightStopped(ctx, config, selection.name(), runDate, window);
                    if (stopped != null) {
                        return stopped;
                    }
                }
                if (!dryRun) {
                    String refusal = nightAlreadyRun(ctx, config, selection.name(),
                            runDate);
                    if (refusal != null) {
                        System.err.println("account-purge: " + refusal);
                        return ExitCode.REFUSED;
                    }
                }
                return RunPrinter.report(ctx, config, JobRuns.launchNight(ctx, selection.name(), runDate, dryRun));
            }
        }
    }

    /**
     * A real run of an earlier date that was stopped (its window closed, or SIGTERM): resumed first (its exit code
     * returned when it does not complete), or abandoned when the window says {@code fresh}. Null when tonight's run
     * may go on.
     *
     * @param window null when the configuration has none: stopped runs are resumed
     */
    private static Integer earlierNightStopped(ConfigurableApplicationContext ctx, Path config, String selection,
                                               LocalDate runDate, JobSection.Window window) {
        JobRuns.LastExecution stopped = JobRuns.lastRealExecution(ctx.getBean(JdbcTemplate.class), true,
                "e.status = 'STOPPED' AND " + JobRuns.parameter(CandidateSource.SELECTION) + " = ? AND "
                + JobRuns.parameter(CandidateSource.RUN_DATE) + " < ?",
                selection, runDate.toString());
        if (stopped == null) {
            return null;
        }
        JobOperator operator = ctx.getBean(JobOperator.class);
        JobExecution execution = ctx.getBean(JobRepository.class).getJobExecution(stopped.id());
        String night = CandidateSource.describe(execution.getJobParameters());
        try {
            if (window != null && !window.resumes()) {
                operator.abandon(execution);
                System.out.println("The " + night + " run that was stopped (execution " + execution.getId()
                        + ") is abandoned (purge.job.window.next-night: fresh); tonight's selection takes its"
                        + " remaining accounts again if they are still inactive");
                return null;
            }
            System.out.println("Resuming the " + night + " run that was stopped (execution " + execution.getId()
                    + "), before tonight's");
            JobExecution resumed = operator.restart(execution);
            int code = RunPrinter.report(ctx, config, resumed);
            return resumed.getStatus() == BatchStatus.COMPLETED ? null : code;
        } catch (Exception e) {
            throw new JobRuns.JobLaunchException(e);
        }
    }

    /** Why the selection's real run of this date may not start: it ran, or it is unfinished; null when it may. */
    private static String nightAlreadyRun(ConfigurableApplicationContext ctx, Path config, String selection,
                                          LocalDate runDate) {
        // the night's real run is one job instance: its selection, run date and dry.run=false identify it
        JobExecution execution = ctx.getBean(JobRepository.class).getLastJobExecution(PurgeJobConfiguration.JOB,
                JobRuns.night(selection, runDate, false).toJobParameters());
        if (execution == null || execution.getStatus() == BatchStatus.ABANDONED) {
            return null;
        }
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            return "the " + selection + " purge of " + runDate + " already ran (execution " + execution.getId()
                    + ", COMPLETED): one run per date";
        }
        return "the " + selection + " purge of " + runDate + " did not complete (execution " + execution.getId()
                + ", " + execution.getStatus() + "). Finish it with:\n  "
                + RunPrinter.restartCommand(ctx, config, execution.getId(), execution.getStatus().isRunning());
    }
}
