package org.accountpurge.cli;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.accountpurge.PurgeApplication;
import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.audit.ReportFolder;
import org.accountpurge.audit.RunReport;
import org.accountpurge.audit.RunSummary;
import org.accountpurge.audit.SummaryTasklet;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.purge.Orphans;
import org.accountpurge.job.PurgeJobConfiguration;
import org.accountpurge.purge.Preflight;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.purge.Verification;
import org.accountpurge.store.postgres.TenantLease;
import org.accountpurge.store.postgres.TenantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts or restarts {@code accountPurgeJob} with a job configuration file, prints the run's summary and returns
 * the exit code: 0 completed, 1 failed (restartable), 2 nothing started (command line, configuration or a store
 * that cannot be used), 3 refused (another purge holds the tenant, an unfinished run, a changed input or
 * configuration). Every execution holds the tenant's lock ({@link TenantLock}, through {@link TenantLease}, which the purge steps
 * confirm before every chunk) from before it is created to its end.
 */
public final class PurgeRun {

    private static final Logger log = LoggerFactory.getLogger(PurgeRun.class);

    static final int COMPLETED = 0;
    static final int FAILED = 1;
    static final int NOT_STARTED = 2;
    static final int REFUSED = 3;
    static final int COMPLETED_WITH_FAILED_ACCOUNTS = 4;
    static final int STOPPED_BY_WINDOW = 5;

    /** Whether the command may write: read-only commands run no migration and use read-only connections. */
    public enum Access { WRITE, READ_ONLY }

    /** The application of the command in progress that may run a job, for a graceful stop on SIGTERM. */
    private static final java.util.concurrent.atomic.AtomicReference<ConfigurableApplicationContext> WORKING =
            new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.Set<Long> STOP_ASKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Asks the job executions this process runs to stop after their current chunk ({@link JobOperator#stop}): they
     * end STOPPED, restartable. Returns the executions asked.
     */
    static List<Long> stopRunning() {
        ConfigurableApplicationContext ctx = WORKING.get();
        if (ctx == null || !ctx.isActive()) {
            return List.of();
        }
        List<Long> asked = new ArrayList<>();
        JobOperator operator = ctx.getBean(JobOperator.class);
        for (Long id : ctx.getBean(org.accountpurge.purge.LocalExecutions.class).ids()) {
            if (!STOP_ASKED.add(id)) {
                continue;
            }
            try {
                operator.stop(id);
                asked.add(id);
            } catch (Exception e) {
                log.warn("Could not ask execution {} to stop: {}", id, e.toString());
            }
        }
        return asked;
    }

    /** The registry of the long-lived schedule command, that the contexts its thread creates count into. */
    private static final ThreadLocal<io.micrometer.core.instrument.MeterRegistry> SHARED_METERS = new ThreadLocal<>();

    /**
     * What measures the process rather than a run: bound once by the schedule command's own context, left out of the
     * contexts of its nights, which count into the same registry (bound twice, Micrometer warns and ignores them).
     */
    private static final List<String> PROCESS_METRICS = List.of("jvm.JvmMetricsAutoConfiguration",
            "system.SystemMetricsAutoConfiguration", "logging.logback.LogbackMetricsAutoConfiguration",
            "startup.StartupTimeMetricsListenerAutoConfiguration", "task.TaskExecutorMetricsAutoConfiguration",
            "ssl.SslMetricsAutoConfiguration").stream()
            .map(name -> "org.springframework.boot.micrometer.metrics.autoconfigure." + name).toList();

    private PurgeRun() {
    }

    /** Contexts this thread creates from now on use {@code meters} (null: their own). */
    static void shareMeters(io.micrometer.core.instrument.MeterRegistry meters) {
        if (meters == null) {
            SHARED_METERS.remove();
        } else {
            SHARED_METERS.set(meters);
        }
    }

    /** The application with the job configuration imported; {@code properties} fill its ${...} placeholders. */
    public static ConfigurableApplicationContext context(Path config, Map<String, Object> properties,
                                                         Access access) {
        return context(config, properties, Map.of(), access);
    }

    /**
     * ... and {@code overrides} take precedence over the job configuration's own values.
     *
     * @throws StartupException when the application cannot start (the configuration, the database)
     */
    public static ConfigurableApplicationContext context(Path config, Map<String, Object> properties,
                                                         Map<String, Object> overrides, Access access) {
        if (!Files.isRegularFile(config)) {
            throw new UsageException("job configuration " + config + " does not exist");
        }
        checkSyntax(config);
        List<String> args = new ArrayList<>();
        args.add("--spring.config.additional-location=file:" + config.toAbsolutePath());
        args.add("--account-purge.config-file=" + config.toAbsolutePath().normalize());
        args.add("--account-purge.config-sha256=" + CsvCandidateReader.sha256(config));
        args.add("--spring.datasource.hikari.data-source-properties.ApplicationName=account-purge " + processName());
        if (access == Access.READ_ONLY) {
            args.add("--spring.flyway.enabled=false");
            args.add("--spring.datasource.hikari.read-only=true");
        } else { // the tool's tables are created once the command goes on (prepare): a refusal leaves none behind
            args.add("--account-purge.migrate-on-demand=true");
        }
        overrides.forEach((k, v) -> args.add("--" + k + "=" + v));
        ExecutionConfigRecorder.Who who = Attribution.current();
        io.micrometer.core.instrument.MeterRegistry meters = SHARED_METERS.get();
        if (meters != null) { // the schedule's own context measures the process already (JVM, system, start-up...)
            args.add("--spring.autoconfigure.exclude=" + String.join(",", PROCESS_METRICS));
        }
        try {
            SpringApplicationBuilder builder = new SpringApplicationBuilder(PurgeApplication.class)
                    .web(WebApplicationType.NONE).properties(properties).listeners(new ConfigurationCheck(config))
                    .logStartupInfo(false).registerShutdownHook(false); // SIGTERM: Main stops the job first
            if (who != null) {
                builder.initializers(c -> c.getBeanFactory().registerSingleton("executionWho", who));
            }
            if (meters != null) { // the schedule's registry: served by its endpoint, outlives this context
                builder.initializers(c -> c.getBeanFactory().registerSingleton("prometheusMeterRegistry", meters));
            }
            ConfigurableApplicationContext ctx = builder.run(args.toArray(String[]::new));
            if (access == Access.WRITE) {
                WORKING.set(ctx);
            }
            return ctx;
        } catch (RuntimeException e) {
            log.debug("The application did not start", e);
            StartupFailure.Description why = StartupFailure.describe(e);
            throw new StartupException("cannot start with " + config + ":\n  " + why.message().replace("\n", "\n  "),
                    why.configuration());
        }
    }

    /**
     * A YAML job configuration that YAML cannot read (a syntax error, a key given twice) is refused before the
     * application starts: exit 2, naming the file, line and column, without the parser's stack trace.
     */
    static void checkSyntax(Path config) {
        String name = config.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".yml") && !name.endsWith(".yaml")) {
            return;
        }
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setAllowDuplicateKeys(false); // as Spring Boot reads it
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        try (java.io.Reader in = Files.newBufferedReader(config)) {
            new org.yaml.snakeyaml.Yaml(options).loadAll(in).forEach(document -> { });
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            org.yaml.snakeyaml.error.Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            org.yaml.snakeyaml.error.Mark context = e.getContextMark();
            throw new StartupException("job configuration " + config + (at == null ? "" : ":" + (at.getLine() + 1)
                    + ":" + (at.getColumn() + 1)) + " is not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + (context == null || context == at ? ""
                    : " at line " + (context.getLine() + 1)) + ")"), true);
        } catch (org.yaml.snakeyaml.error.YAMLException | java.io.UncheckedIOException e) {
            throw new StartupException("job configuration " + config + " is not valid YAML: " + e.getMessage()
                    .lines().findFirst().orElse(""), true);
        } catch (java.io.IOException e) {
            throw new StartupException("job configuration " + config + " cannot be read: " + e.getClass()
                    .getSimpleName(), true);
        }
    }

    /** The application could not start; nothing was recorded. */
    static final class StartupException extends RuntimeException {
        private final boolean configuration;

        StartupException(String message, boolean configuration) {
            super(message);
            this.configuration = configuration;
        }

        int exitCode() {
            return configuration ? NOT_STARTED : FAILED;
        }
    }

    static int start(Path config, Path input, boolean newRun, boolean dryRun, boolean overrideGuard,
                     Map<String, Object> properties) {
        if (Files.isDirectory(input)) {
            throw new UsageException("--input " + input + " is a directory, not a file");
        }
        if (!Files.isRegularFile(input)) {
            throw new UsageException("input file " + input + " does not exist");
        }
        String sha256 = CsvCandidateReader.sha256(input);
        try (ConfigurableApplicationContext ctx = context(config, properties, guard(overrideGuard), Access.WRITE)) {
            PurgeProperties.Input in = ctx.getBean(PurgeProperties.class).input();
            try { // before any execution exists: a file that can never be read leaves nothing to restart
                CsvCandidateReader.checkHeader(input, in.idColumn(), in.kindColumn(), in.maxLineLength());
            } catch (CsvCandidateReader.InputFileException e) {
                throw new StartupException(e.getMessage() + "; nothing was started", true);
            }
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            Optional<TenantLease> lock = lock(ctx);
            if (lock.isEmpty()) {
                return refusedByLock(ctx);
            }
            try (TenantLease held = lock.get()) {
                if (!prepare(ctx)) {
                    return NOT_STARTED;
                }
                LastExecution unfinished = unfinishedExecution(jdbc, sha256);
                if (unfinished != null && !newRun && !dryRun) {
                    System.err.println("account-purge: execution " + unfinished.id() + " of this same input "
                            + (unfinished.markedRunning() ? "was interrupted (it is marked " + unfinished.status()
                            + ", but no process holds the tenant's lock: its process is gone)" : "did not complete")
                            + ". Finish it with:\n  " + restartCommand(ctx, config, unfinished.id(), unfinished.markedRunning())
                            + "\n(or start over with --new-run)");
                    return REFUSED;
                }
                String done = newRun || dryRun ? null : completedRun(jdbc, sha256);
                if (done != null) {
                    System.err.println("account-purge: " + done + "; to purge it again as a new run:\n  " + Main.self()
                            + " purge --config " + Main.path(config) + " --input " + Main.path(input) + " --reason \"...\" --new-run");
                    return REFUSED;
                }
                return report(ctx, config, launch(ctx, input, sha256, dryRun));
            }
        }
    }

    /**
     * The inactivity purge of a run date ({@code purge.selection}): one real run per selection and date — a second
     * launch while one runs is refused by the tenant's lock, after it completed by the job repository, and an
     * unfinished one is pointed at its restart. Dry runs may be repeated.
     */
    static int nightly(Path config, LocalDate runDate, boolean dryRun, boolean overrideGuard,
                       Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = context(config, properties, guard(overrideGuard), Access.WRITE)) {
            PurgeProperties.Selection selection = ctx.getBean(PurgeProperties.class).selection();
            if (selection == null) {
                throw new StartupException(config + " has no purge.selection: the nightly purge selects its"
                        + " candidates with it (a CSV is purged with: purge --input FILE)", true);
            }
            Optional<TenantLease> lock = lock(ctx);
            if (lock.isEmpty()) {
                return refusedByLock(ctx);
            }
            try (TenantLease held = lock.get()) {
                if (!prepare(ctx)) {
                    return NOT_STARTED;
                }
                PurgeProperties.Window window = ctx.getBean(PurgeProperties.class).job().window();
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
                        return REFUSED;
                    }
                }
                JobParametersBuilder parameters = new JobParametersBuilder()
                        .addString(CandidateSource.SELECTION, selection.name())
                        .addString(CandidateSource.RUN_DATE, runDate.toString())
                        .addString(CandidateSource.DRY_RUN, String.valueOf(dryRun));
                if (dryRun) {
                    parameters.addString(CandidateSource.RUN_STARTED, Instant.now().toString());
                }
                JobExecution execution;
                try {
                    execution = ctx.getBean(JobOperator.class).start(ctx.getBean(PurgeJobConfiguration.JOB, Job.class),
                            parameters.toJobParameters());
                } catch (Exception e) {
                    throw new JobLaunchException(e);
                }
                return report(ctx, config, execution);
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
                                               LocalDate runDate, PurgeProperties.Window window) {
        LastExecution stopped = lastRealExecution(ctx.getBean(JdbcTemplate.class), true, "e.status = 'STOPPED' AND "
                + parameter(CandidateSource.SELECTION) + " = ? AND " + parameter(CandidateSource.RUN_DATE) + " < ?",
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
            int code = report(ctx, config, resumed);
            return resumed.getStatus() == BatchStatus.COMPLETED ? null : code;
        } catch (Exception e) {
            throw new JobLaunchException(e);
        }
    }

    /** Why the selection's real run of this date may not start: it ran, or it is unfinished; null when it may. */
    private static String nightAlreadyRun(ConfigurableApplicationContext ctx, Path config, String selection,
                                          LocalDate runDate) {
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        LastExecution execution = lastRealExecution(jdbc, false, parameter(CandidateSource.SELECTION) + " = ? AND "
                + parameter(CandidateSource.RUN_DATE) + " = ?", selection, runDate.toString());
        if (execution == null || BatchStatus.valueOf(execution.status()) == BatchStatus.ABANDONED) {
            return null;
        }
        if (BatchStatus.valueOf(execution.status()) == BatchStatus.COMPLETED) {
            return "the " + selection + " purge of " + runDate + " already ran (execution " + execution.id()
                    + ", COMPLETED): one run per date";
        }
        return "the " + selection + " purge of " + runDate + " did not complete (execution " + execution.id() + ", "
                + execution.status() + "). Finish it with:\n  "
                + restartCommand(ctx, config, execution.id(), execution.markedRunning());
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

    /** The job repository refused to start or restart the execution. */
    static final class JobLaunchException extends RuntimeException {
        JobLaunchException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * @param afterCrash    the execution is still marked running because its process died (killed, machine lost):
     *                      mark it failed first. Safe: it is only done while this process holds the tenant's lock.
     * @param configChanged the job configuration differs from the one the run's last execution used, on purpose
     */
    static int restart(Path config, long executionId, boolean afterCrash, boolean configChanged, boolean overrideGuard,
                       Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = context(config, properties, guard(overrideGuard), Access.WRITE)) {
            JobRepository repository = ctx.getBean(JobRepository.class);
            JobExecution execution = execution(ctx, executionId);
            Optional<TenantLease> lock = lock(ctx);
            if (lock.isEmpty()) {
                return refusedByLock(ctx);
            }
            try (TenantLease held = lock.get()) {
                String refusal = restartRefusal(ctx, config, execution, afterCrash, configChanged);
                if (refusal != null) {
                    System.err.println("account-purge: " + refusal);
                    return REFUSED;
                }
                if (!prepare(ctx)) {
                    return NOT_STARTED;
                }
                JobOperator operator = ctx.getBean(JobOperator.class);
                if (execution.getStatus().isRunning()) {
                    execution = operator.recover(execution);
                }
                failUnknownSteps(repository, execution);
                try {
                    return report(ctx, config, operator.restart(execution));
                } catch (Exception e) {
                    throw new JobLaunchException(e);
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
        Long latest = jdbc.queryForObject("SELECT max(job_execution_id) FROM purge.batch_job_execution"
                + " WHERE job_instance_id = ?", Long.class, run);
        if (latest != null && latest != id) {
            return "execution " + id + " is not the last of its run; the last one is " + latest + ": "
                    + restartCommand(ctx, config, latest, false);
        }
        if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
            return "execution " + id + " is " + execution.getStatus() + ": there is nothing to restart";
        }
        if (execution.getStatus().isRunning() && !afterCrash) {
            return "execution " + id + " is marked " + execution.getStatus() + ", but no process holds the tenant's"
                    + " lock, so the process that ran it is gone (killed, machine lost). Mark it failed and restart"
                    + " it with:\n  " + restartCommand(ctx, config, id, true);
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
                    + restartCommand(config, id, false) + " --config-changed"; // the file given: the changed one
        }
        return null;
    }

    /**
     * Re-drives exactly the FAILED accounts of an execution's run (once their cause is fixed): writes their ids as a
     * CSV next to the run's reports and purges it as a new run, with every check of {@code purge}.
     */
    static int retryFailed(Path config, long executionId, Map<String, Object> properties) {
        Path csv;
        try (ConfigurableApplicationContext ctx = context(config, properties, Access.READ_ONLY)) {
            JobExecution execution = execution(ctx, executionId);
            if (org.accountpurge.candidate.CandidateSource.isDryRun(execution.getJobParameters())) {
                throw new UsageException("execution " + executionId + " is a dry run: it purged nothing, and"
                        + " its FAILED accounts are those a real run would fail; purge the file without --dry-run");
            }
            if (execution.getStatus().isRunning() || restartable(execution)) {
                System.err.println("account-purge: run " + execution.getJobInstance().getInstanceId() + " has not"
                        + " completed (" + execution.getStatus() + "): finish it first with "
                        + restartCommand(ctx, config, executionId, false));
                return REFUSED;
            }
            long run = execution.getJobInstance().getInstanceId();
            Map<String, Long> redriven = Operations.redriven(ctx.getBean(JdbcTemplate.class), run);
            List<String> rows = ctx.getBean(JdbcTemplate.class).query("SELECT account_id, kind FROM purge.candidate"
                    + " WHERE run_id = ? AND state = 'FAILED' ORDER BY kind DESC, account_id", (rs, n) ->
                    redriven.containsKey(rs.getString(2) + " " + rs.getString(1)) ? null
                            : rs.getString(1) + "," + rs.getString(2), run).stream()
                    .filter(java.util.Objects::nonNull).toList();
            if (rows.isEmpty()) {
                System.out.println("Run " + run + (redriven.isEmpty() ? " has no FAILED accounts"
                        : "'s " + redriven.size() + " FAILED account(s) were all purged since by a later run (run(s) "
                        + new java.util.TreeSet<>(redriven.values()) + ")") + ": nothing to retry.");
                return COMPLETED;
            }
            if (!redriven.isEmpty()) {
                System.out.println(redriven.size() + " FAILED account(s) of run " + run + " were purged since by a"
                        + " later run; retrying the others.");
            }
            PurgeProperties.Job job = ctx.getBean(PurgeProperties.class).job();
            PurgeProperties.Input in = ctx.getBean(PurgeProperties.class).input();
            csv = writeReportCsv(job, ctx.getBean(JdbcTemplate.class), "run-" + run + "-failed",
                    in.idColumn() + "," + in.kindColumn() + "\n" + String.join("\n", rows) + "\n");
            System.out.println("Retrying the " + rows.size() + " FAILED account(s) of run " + run + " as a new run of "
                    + csv);
        }
        return start(config, csv, true, false, false, properties);
    }

    /**
     * Checks, now, that the accounts an execution's run purged are gone from every store (read-only): prints what is
     * left per account, store and target; exit code 0 when nothing is, 1 otherwise.
     */
    static int verify(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = context(config, properties, Access.READ_ONLY)) {
            JobExecution execution = execution(ctx, executionId);
            long run = execution.getJobInstance().getInstanceId();
            List<Verification.Residue> residue;
            Verification verification = new Verification(ctx.getBean(TenantStores.class),
                    ctx.getBean(JdbcTemplate.class));
            try {
                residue = verification.residue(run);
            } catch (org.accountpurge.store.StoreException e) { // a check not made is not "nothing left"
                System.out.println("Verification of run " + run + " is incomplete: " + e.getMessage());
                return FAILED;
            }
            residue.forEach(r -> System.out.println("  left: " + r.kind() + " " + r.accountId() + " in " + r.store()
                    + " " + r.target() + ": " + r.count()));
            long accounts = residue.stream().map(r -> r.kind() + "/" + r.accountId()).distinct().count();
            System.out.println("Verification of run " + run + ": " + (accounts == 0
                    ? "nothing is left of its purged accounts where it looked"
                    : accounts + " purged account(s) still have data; purge them again with a CSV of their ids")
                    + " (" + verification.coverage() + ")");
            return accounts == 0 ? COMPLETED : FAILED;
        }
    }

    /**
     * Finds documents and realm users whose account no longer exists in the database; writes them as a CSV next to
     * the reports and prints counts. With {@code purge}, removes them (tenant lock held, step log run 0).
     */
    static int orphans(Path config, boolean purge, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = context(config, properties, purge ? Access.WRITE : Access.READ_ONLY)) {
            Optional<TenantLease> lock = purge ? lock(ctx) : Optional.empty();
            if (purge && lock.isEmpty()) {
                return refusedByLock(ctx);
            }
            if (purge) {
                ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow(); // its outcomes go to the step log
            }
            try {
                Orphans finder = new Orphans(ctx.getBean(TenantStores.class), ctx.getBean(PurgeProperties.class));
                List<Orphans.Orphan> found = finder.find();
                StringBuilder text = new StringBuilder("kind,store,target,account_id\n");
                found.forEach(o -> text.append(o.kind()).append(',').append(o.store()).append(',').append(o.target())
                        .append(',').append(o.accountId()).append('\n'));
                Path csv = writeReportCsv(ctx.getBean(PurgeProperties.class).job(), ctx.getBean(JdbcTemplate.class),
                        "orphans", text.toString());
                Map<String, Long> counts = new java.util.TreeMap<>();
                found.forEach(o -> counts.merge(o.store() + " " + o.target(), 1L, Long::sum));
                System.out.println("Orphans (their account is not in the database): " + (found.isEmpty() ? "none"
                        : counts));
                finder.unchecked().forEach(u -> System.out.println("  not checked: " + u));
                System.out.println("Orphans CSV: " + csv);
                if (purge && !found.isEmpty()) {
                    org.accountpurge.store.StoreOutcomes done = finder.remove(found,
                            ctx.getBean(org.accountpurge.audit.StepLog.class));
                    long failed = done.failures("").size();
                    System.out.println("Removed orphans: " + done.byTarget().entrySet().stream().map(e -> e.getKey()
                            + " " + e.getValue().values().stream().filter(o -> !o.isFailure()).count()).toList()
                            + (failed > 0 ? "; failed: " + failed + " (see purge.step_log, run 0)" : ""));
                    return failed > 0 ? FAILED : COMPLETED;
                }
                return COMPLETED;
            } finally {
                lock.ifPresent(TenantLease::close);
            }
        }
    }

    /** Prints what a run did so far (any execution of it, finished or not); exit code 0 when it completed. */
    static int status(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = context(config, properties, Access.READ_ONLY)) {
            JobExecution execution = execution(ctx, executionId);
            summary(ctx, execution).lines().forEach(System.out::println);
            if (execution.getStatus().isRunning()) {
                List<String> holders = TenantLock.holders(ctx.getBean(javax.sql.DataSource.class), schema(ctx));
                System.out.println(holders.isEmpty()
                        ? "  it is marked " + execution.getStatus() + " but no process holds the tenant's lock: its"
                        + " process is gone. To finish it: " + restartCommand(ctx, config, executionId, true)
                        : "  running: the tenant's lock is held by " + String.join(", ", holders));
            } else if (restartable(execution)) {
                System.out.println("  to finish it: " + restartCommand(ctx, config, executionId, false));
            }
            return execution.getStatus() == BatchStatus.COMPLETED ? COMPLETED : FAILED;
        }
    }

    /**
     * The execution with this id in the tenant's job repository; when there is none (or no purge ever ran against the
     * tenant's database), a command-line error: exit 2, "no execution N in this tenant", nothing else done.
     */
    static JobExecution execution(ConfigurableApplicationContext ctx, long executionId) {
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        boolean repository = Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT to_regclass('purge.batch_job_execution') IS NOT NULL", Boolean.class));
        Long found = repository ? jdbc.queryForObject("SELECT count(*) FROM purge.batch_job_execution WHERE"
                + " job_execution_id = ?", Long.class, executionId) : Long.valueOf(0);
        if (found == null || found == 0) {
            throw new StartupException("no execution " + executionId + " in this tenant" + (repository
                    ? " (its executions: " + Main.self() + " list --config " + Main.path(Path.of(ctx.getEnvironment()
                    .getProperty("account-purge.config-file"))) + ")" : " (no purge has run against its database yet)"),
                    true);
        }
        return ctx.getBean(JobRepository.class).getJobExecution(executionId);
    }

    private static boolean restartable(JobExecution execution) {
        return execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.STOPPED
                || execution.getStatus() == BatchStatus.UNKNOWN;
    }

    /**
     * The preflight, then — only when it finds nothing wrong — the tool's own tables migrated: a refused run (exit 2)
     * leaves the tenant's database exactly as it found it.
     */
    private static boolean prepare(ConfigurableApplicationContext ctx) {
        if (!preflight(ctx)) {
            return false;
        }
        ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow();
        return true;
    }

    private static boolean preflight(ConfigurableApplicationContext ctx) {
        List<String> problems = ctx.getBean(Preflight.class).problems();
        if (problems.isEmpty()) {
            return true;
        }
        System.err.println("account-purge: nothing was started; fix these first:\n  - " + String.join("\n  - ", problems));
        return false;
    }

    /** {@code --override-guard}: the blast-radius guard lets this execution go on, and records it. */
    private static Map<String, Object> guard(boolean override) {
        return override ? Map.of("account-purge.override-guard", "true") : Map.of();
    }

    private static Optional<TenantLease> lock(ConfigurableApplicationContext ctx) {
        TenantLease lease = ctx.getBean(TenantLease.class);
        return lease.acquire() ? Optional.of(lease) : Optional.empty();
    }

    private static String schema(ConfigurableApplicationContext ctx) {
        return ctx.getBean(PurgeProperties.class).postgres().schema();
    }

    private static int refusedByLock(ConfigurableApplicationContext ctx) {
        JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
        List<String> running = jdbc.query("SELECT e.job_execution_id, e.status, date_trunc('second', e.start_time),"
                + " (SELECT string_agg(p.parameter_value, ' of ' ORDER BY p.parameter_name DESC) FROM"
                + " purge.batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id AND"
                + " p.parameter_name IN ('input', 'selection', 'run.date')) FROM purge.batch_job_execution e WHERE"
                + " e.status IN ('STARTING', 'STARTED', 'STOPPING') ORDER BY 1 DESC", (rs, n) -> "execution "
                + rs.getLong(1) + " (" + rs.getString(2) + " since " + rs.getString(3) + ", " + rs.getString(4) + ")");
        List<String> holders = TenantLock.holders(ctx.getBean(javax.sql.DataSource.class), schema(ctx));
        System.err.println("account-purge: another purge is running on this tenant (schema " + schema(ctx) + "): "
                + (running.isEmpty() ? "no execution recorded yet" : String.join(", ", running))
                + (holders.isEmpty() ? "" : "; its lock is held by " + String.join(", ", holders))
                + ". Only one purge runs on a tenant at a time: wait for it to end.");
        return REFUSED;
    }

    static RunSummary summary(ConfigurableApplicationContext ctx, JobExecution execution) {
        return RunSummary.load(ctx.getBean(JdbcTemplate.class), execution.getJobInstance().getInstanceId(),
                execution.getId(), execution.getStatus().name(), SummaryTasklet.isDryRun(execution),
                CandidateSource.describe(execution.getJobParameters()));
    }

    /** An execution as the job repository has it: its id and status. */
    private record LastExecution(long id, String status) {
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
    private static String completedRun(JdbcTemplate jdbc, String sha256) {
        LastExecution completed = lastRealExecution(jdbc, true, "e.status = 'COMPLETED' AND "
                + parameter(CandidateSource.INPUT_SHA256) + " = ?", sha256);
        if (completed == null) {
            return null;
        }
        return jdbc.queryForObject("SELECT 'run ' || job_instance_id || ' purged this file on ' || to_char(end_time,"
                + " 'YYYY-MM-DD HH24:MI:SS') || ' (execution ' || job_execution_id || ', COMPLETED)' FROM"
                + " purge.batch_job_execution WHERE job_execution_id = ?", String.class, completed.id());
    }

    private static LastExecution unfinishedExecution(JdbcTemplate jdbc, String sha256) {
        return lastRealExecution(jdbc, true, "e.status NOT IN ('COMPLETED', 'ABANDONED') AND "
                + parameter(CandidateSource.INPUT_SHA256) + " = ?", sha256);
    }

    /**
     * The newest execution of a real (not dry) run matching {@code where} (SQL on execution {@code e}, see
     * {@link #parameter}); with {@code lastOfRun}, only each run's last execution is considered. Null when none.
     */
    private static LastExecution lastRealExecution(JdbcTemplate jdbc, boolean lastOfRun, String where, Object... args) {
        List<LastExecution> found = jdbc.query("SELECT e.job_execution_id, e.status FROM purge.batch_job_execution e WHERE "
                + (lastOfRun ? "e.job_execution_id IN (SELECT max(job_execution_id) FROM purge.batch_job_execution"
                + " GROUP BY job_instance_id) AND " : "") + "coalesce(" + parameter(CandidateSource.DRY_RUN)
                + ", 'false') <> 'true' AND " + where + " ORDER BY 1 DESC LIMIT 1",
                (rs, n) -> new LastExecution(rs.getLong(1), rs.getString(2)), args);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The value of a job parameter of execution {@code e}, as SQL. */
    private static String parameter(String name) {
        return "(SELECT p.parameter_value FROM purge.batch_job_execution_params p WHERE p.job_execution_id ="
                + " e.job_execution_id AND p.parameter_name = '" + name + "')";
    }

    public static int report(ConfigurableApplicationContext ctx, Path config, JobExecution execution) {
        RunSummary summary = summary(ctx, execution);
        List<String> lines = new ArrayList<>(summary.lines());
        Path folder = writeReport(ctx, summary, !execution.getExecutionContext().containsKey(SummaryTasklet.SUMMARY_FILE));
        PurgeProperties.Window window = ctx.getBean(PurgeProperties.class).job().window();
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
            if (restartable(execution)) {
                lines.add("  to finish it: " + restartCommand(ctx, config, execution.getId(), false));
            }
        }
        lines.add("Report: " + folder.resolve(ReportFolder.HTML) + " (and report.json, CSVs of the account ids)");
        lines.forEach(System.out::println);
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            return summary.failed() > 0 ? COMPLETED_WITH_FAILED_ACCOUNTS : COMPLETED;
        }
        return windowClosed ? STOPPED_BY_WINDOW : FAILED;
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
    private static Path writeReportCsv(PurgeProperties.Job job, JdbcTemplate jdbc, String name, String text) {
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

    /**
     * A chunk whose transaction ended with an unknown outcome (its database connection was lost while it committed
     * or rolled back) leaves its step UNKNOWN, which Spring Batch will not restart. Here that outcome is known to be
     * safe to redo: the chunk's bookkeeping (candidate states, database step log) commits with its rows, the reader
     * only reads PENDING candidates, and every store call is idempotent. Such steps are marked FAILED, and said so.
     */
    private static void failUnknownSteps(JobRepository repository, JobExecution execution) {
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

    /** The failure's own message: the innermost exception of ours (not the framework's wrapping of it). */
    private static String cause(JobExecution execution) {
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

    /** This process as PostgreSQL shows it (application name): pid and host, so a lock holder can be found. */
    static String processName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return "pid " + ProcessHandle.current().pid() + "@" + host;
    }
}
