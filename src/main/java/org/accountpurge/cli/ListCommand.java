package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code list}: the last executions. */
@Command(name = "list", sortOptions = false, sortSynopsis = false, description = "The last executions, one line each: run, input or"
        + " selection, status, start, end, accounts per state. Read-only.")
final class ListCommand extends CliCommand {

    @Spec
    private CommandSpec spec;

    @Mixin
    private Options.Config config;

    private int limit = 20;

    @Option(names = "--limit", paramLabel = "N", description = "How many (1 to 10000; default 20).")
    void limit(int value) {
        if (value < 1 || value > 10_000) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 10000 (got " + value + ")");
        }
        limit = value;
    }

    @Override
    public Integer call() {
        return Operations.list(config.file, limit, properties());
    }
}
