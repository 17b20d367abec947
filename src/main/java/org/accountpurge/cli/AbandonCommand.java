package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code abandon}: a failed or stopped execution given up for good. */
@Command(name = "abandon", sortOptions = false, sortSynopsis = false,
        description = "Gives a failed or stopped execution up for good (ABANDONED, never restarted); who and why are"
                + " recorded. --reason is required.")
final class AbandonCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        return Operations.abandon(config.file, execution.id, Attribution.reason(who.reason),
                Attribution.initiator(who.initiator), properties());
    }
}
