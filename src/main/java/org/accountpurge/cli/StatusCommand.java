package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code status}: what a run did so far. */
@Command(name = "status", sortOptions = false, sortSynopsis = false,
        description = "What a run did so far: its steps, counts and the command that would go on with it. Read-only"
                + " (no migration, no write, no lock): it answers during a purge.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the execution completed", "1:it did not (yet)", "2:no such execution, or no configuration"})
final class StatusCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Override
    public Integer call() {
        return PurgeRun.status(config.file, execution.id, properties());
    }
}
