package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orphans}: documents and realm users whose account is not in the database. */
@Command(name = "orphans", sortOptions = false, sortSynopsis = false,
        description = "Documents and realm users whose account is not in the database; --purge removes them.")
final class OrphansCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Option(names = "--purge", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class, description = "Remove the orphans found (otherwise only list them).")
    private Flag purge = Flag.OFF;

    @Override
    public Integer call() {
        return PurgeRun.orphans(config.file, purge.on(), properties());
    }
}
