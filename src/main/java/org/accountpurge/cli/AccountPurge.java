package org.accountpurge.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The program: its commands, and the exit codes they share. */
@Command(name = "account-purge", sortOptions = false,
        description = "Removes inactive accounts from PostgreSQL, Elasticsearch and Keycloak, as restartable Spring"
                + " Batch jobs. 'account-purge COMMAND --help' explains a command.",
        subcommands = {PurgeCommand.class, NightlyCommand.class, RestartCommand.class, StatusCommand.class,
                ListCommand.class, StopCommand.class, AbandonCommand.class, FailedCommand.class, ReportCommand.class,
                RetryFailedCommand.class, VerifyCommand.class, OrphansCommand.class, ScheduleCommand.class,
                WorkerCommand.class,
                HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:completed",
                "1:failed (restartable: see restart)",
                "2:nothing started (command line, configuration, preflight)",
                "3:refused (another run holds the tenant, a completed run, nothing to stop)",
                "4:completed with FAILED accounts (see failed, retry-failed)",
                "5:stopped by its window (purge.job.window; restartable)"})
final class AccountPurge implements Callable<Integer> {

    private final Map<String, Object> properties;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    AccountPurge(Map<String, Object> properties) {
        this.properties = Map.copyOf(properties);
    }

    Map<String, Object> properties() {
        return properties;
    }

    /** No command given. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is needed");
    }
}
