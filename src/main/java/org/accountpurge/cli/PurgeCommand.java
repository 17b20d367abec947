package org.accountpurge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.postgres.TenantLease;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code purge}: the accounts a CSV lists. */
@Command(name = "purge", sortOptions = false, sortSynopsis = false, description = {
        "Purges the accounts a CSV lists (account_id, kind) from every store the configuration names.",
        "A dry run records candidates and retention and touches no store. Rerun with the same file, an unfinished run"
                + " is refused with the restart to use; a completed one is refused unless --new-run."})
final class PurgeCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "The CSV of candidates (a header with account_id and kind, UTF-8).")
    private Path input;

    @Option(names = "--dry-run", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "Record candidates and retention only: no store is touched.")
    private Flag dryRun = Flag.OFF;

    @Option(names = "--new-run", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "Start over although a run of the same file exists (unfinished or completed).")
    private Flag newRun = Flag.OFF;

    @Mixin
    private Options.Guard guard;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("purge", !dryRun.on());
        return start(config.file, input, newRun.on(), dryRun.on(), guard.override.on(), properties());
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
        try (ConfigurableApplicationContext ctx = TenantContext.writing(config, properties,
                JobRuns.guard(overrideGuard))) {
            PurgeProperties.Input in = ctx.getBean(PurgeProperties.class).input();
            try { // before any execution exists: a file that can never be read leaves nothing to restart
                CsvCandidateReader.checkHeader(input, in.idColumn(), in.kindColumn(), in.maxLineLength());
            } catch (CsvCandidateReader.InputFileException e) {
                throw new StartupException(e.getMessage() + "; nothing was started", true);
            }
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            Optional<TenantLease> lock = JobRuns.lock(ctx);
            if (lock.isEmpty()) {
                return JobRuns.refusedByLock(ctx);
            }
            try (TenantLease held = lock.get()) {
                if (!JobRuns.prepare(ctx)) {
                    return ExitCode.NOT_STARTED;
                }
                JobRuns.LastExecution unfinished = JobRuns.unfinishedExecution(jdbc, sha256);
                if (unfinished != null && !newRun && !dryRun) {
                    System.err.println("account-purge: execution " + unfinished.id() + " of this same input "
                            + (unfinished.markedRunning() ? "was interrupted (it is marked " + unfinished.status()
                            + ", but no process holds the tenant's lock: its process is gone)" : "did not complete")
                            + ". Finish it with:\n  "
                            + RunPrinter.restartCommand(ctx, config, unfinished.id(), unfinished.markedRunning())
                            + "\n(or start over with --new-run)");
                    return ExitCode.REFUSED;
                }
                String done = newRun || dryRun ? null : JobRuns.completedRun(jdbc, sha256);
                if (done != null) {
                    System.err.println("account-purge: " + done + "; to purge it again as a new run:\n  " + Main.self()
                            + " purge --config " + Main.path(config) + " --input " + Main.path(input)
                            + " --reason \"...\" --new-run");
                    return ExitCode.REFUSED;
                }
                return RunPrinter.report(ctx, config, JobRuns.launch(ctx, input, sha256, dryRun));
            }
        }
    }
}
