package org.accountpurge.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** What every command has: {@code --help}, and the program's properties (tests fill placeholders with them). */
abstract class CliCommand implements Callable<Integer> {

    @ParentCommand
    private AccountPurge program;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    Map<String, Object> properties() {
        return program.properties();
    }
}
