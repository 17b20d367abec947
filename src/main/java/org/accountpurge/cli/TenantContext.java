package org.accountpurge.cli;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.accountpurge.PurgeApplication;
import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.candidate.CsvCandidateReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application a command runs in: Spring Boot with the tenant's job configuration imported (checked first: a YAML
 * error is refused with its file, line and column), read-only or writing. It keeps the context of the command in
 * progress, so that SIGTERM can stop its executions gracefully.
 */
public final class TenantContext {

    private static final Logger log = LoggerFactory.getLogger(TenantContext.class);

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

    private TenantContext() {
    }

    /** Contexts this thread creates from now on use {@code meters} (null: their own). */
    static void shareMeters(io.micrometer.core.instrument.MeterRegistry meters) {
        if (meters == null) {
            SHARED_METERS.remove();
        } else {
            SHARED_METERS.set(meters);
        }
    }

    /** A read-only application: no migration, read-only connections (status, list, report, verify...). */
    static ConfigurableApplicationContext readOnly(Path config, Map<String, Object> properties) {
        return open(config, properties, Access.READ_ONLY);
    }

    /** An application that may write, {@code overrides} taking precedence over the job configuration's values. */
    static ConfigurableApplicationContext writing(Path config, Map<String, Object> properties,
                                                  Map<String, Object> overrides) {
        return open(config, properties, overrides, Access.WRITE);
    }

    /** The application with the job configuration imported; {@code properties} fill its ${...} placeholders. */
    public static ConfigurableApplicationContext open(Path config, Map<String, Object> properties,
                                                         Access access) {
        return open(config, properties, Map.of(), access);
    }

    /**
     * ... and {@code overrides} take precedence over the job configuration's own values.
     *
     * @throws StartupException when the application cannot start (the configuration, the database)
     */
    public static ConfigurableApplicationContext open(Path config, Map<String, Object> properties,
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
