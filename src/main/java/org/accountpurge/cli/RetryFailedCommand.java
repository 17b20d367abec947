package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code retry-failed}: the FAILED accounts of a completed run, purged again. */
@Command(name = "retry-failed", sortOptions = false, sortSynopsis = false,
        description = "Purges the FAILED accounts of a completed run again, as a new run (accounts a later run has"
                + " purged since are left out).")
final class RetryFailedCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("retry-failed", false);
        return PurgeRun.retryFailed(config.file, execution.id, properties());
    }
}
