package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code verify}: a run's purged accounts checked again. */
@Command(name = "verify", sortOptions = false, sortSynopsis = false,
        description = "Checks now that a run's purged accounts are gone from every store it names (and says which"
                + " it could not check). Read-only.")
final class VerifyCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Override
    public Integer call() {
        return PurgeRun.verify(config.file, execution.id, properties());
    }
}
