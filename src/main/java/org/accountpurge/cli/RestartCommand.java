package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code restart}: the remaining work of a failed or stopped execution. */
@Command(name = "restart", sortOptions = false, sortSynopsis = false, description = {
        "Finishes exactly the remaining work of a FAILED or STOPPED execution (status prints the command to use)."})
final class RestartCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Option(names = "--after-crash", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "Its process died and it is still marked running (no other process holds the tenant).")
    private Flag afterCrash = Flag.OFF;

    @Option(names = "--config-changed", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "The job configuration was changed on purpose since the run started (recorded).")
    private Flag configChanged = Flag.OFF;

    @Mixin
    private Options.Guard guard;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("restart", false);
        return PurgeRun.restart(config.file, execution.id, afterCrash.on(), configChanged.on(), guard.override.on(),
                properties());
    }
}
