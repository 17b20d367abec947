package org.accountpurge.cli;

import java.nio.file.Path;
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
        return PurgeRun.start(config.file, input, newRun.on(), dryRun.on(), guard.override.on(), properties());
    }
}
