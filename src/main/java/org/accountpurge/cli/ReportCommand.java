package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code report}: an execution's report folder, written again. */
@Command(name = "report", sortOptions = false, sortSynopsis = false,
        description = "Writes the execution's report folder again (report.json, report.html, CSVs of purged,"
                + " retained, failed and rejected ids) under purge.job.report-directory. Read-only; during a run it"
                + " reports the progress so far.")
final class ReportCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Execution execution;

    @Override
    public Integer call() {
        return Operations.report(config.file, execution.id, properties());
    }
}
