package org.accountpurge.cli;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightly}: the inactivity purge of a date. */
@Command(name = "nightly", sortOptions = false, sortSynopsis = false, description = {
        "The inactivity purge of a date: candidates from purge.selection; one real run per date. It resumes a"
                + " stopped earlier night first (purge.job.window.next-night)."})
final class NightlyCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
            description = "The night whose cut-offs apply (default: today, UTC; at most tomorrow).")
    private String runDate;

    @Option(names = "--dry-run", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            converter = Flag.Strict.class,
            description = "Record candidates and retention only: no store is touched.")
    private Flag dryRun = Flag.OFF;

    @Mixin
    private Options.Guard guard;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() {
        who.record("nightly", false);
        return PurgeRun.nightly(config.file, runDate(), dryRun.on(), guard.override.on(), properties());
    }

    private LocalDate runDate() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (runDate == null) {
            return today;
        }
        LocalDate parsed;
        try {
            parsed = LocalDate.parse(runDate);
        } catch (DateTimeParseException e) {
            throw new UsageException("--run-date must be a date like 2026-11-25 (got '" + runDate + "')");
        }
        // a date ahead moves every cut-off forward: --run-date 9999-12-31 would select every active user
        LocalDate latest = today.plusDays(1);
        if (parsed.isAfter(latest)) {
            throw new UsageException("--run-date " + parsed + " is in the future: the latest run date is " + latest
                    + " (today in UTC plus a day, for a schedule in a zone ahead of UTC); its cut-offs would select"
                    + " accounts that are not inactive yet");
        }
        return parsed;
    }
}
