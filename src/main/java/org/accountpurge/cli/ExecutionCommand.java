package org.accountpurge.cli;

import picocli.CommandLine.Mixin;

/** A command about one execution of the tenant: {@code --config FILE --execution ID}. */
abstract class ExecutionCommand extends CliCommand {

    @Mixin
    Options.Config config;

    @Mixin
    Options.Execution execution;
}
