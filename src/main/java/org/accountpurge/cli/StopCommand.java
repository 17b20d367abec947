package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stop}: a running execution ends after its chunk. */
@Command(name = "stop", sortOptions = false, sortSynopsis = false,
        description = "Asks a running execution (in any process, on any machine) to stop after its chunk in progress:"
                + " it ends STOPPED, restartable.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the stop is asked", "2:no such execution, or no configuration",
                "3:nothing to stop (the execution is not running)"})
final class StopCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Override
    public Integer call() {
        return Operations.stop(config.file, execution.id, properties());
    }
}
