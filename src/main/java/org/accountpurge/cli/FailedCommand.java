package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code failed}: the accounts a run left FAILED. */
@Command(name = "failed", sortOptions = false, sortSynopsis = false,
        description = "The accounts the run left FAILED, with the store, target and error of each. Read-only.")
final class FailedCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Override
    public Integer call() {
        return Operations.failed(config.file, execution.id, properties());
    }
}
