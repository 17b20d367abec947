package org.accountpurge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code schedule}: the nightly purge, long-lived. */
@Command(name = "schedule", sortOptions = false, sortSynopsis = false,
        description = "Long-lived: the nightly purge at each time of purge.schedule.cron, one at a time; SIGTERM stops"
                + " a run after its chunk (STOPPED, resumed by the next night) and ends. Serves /actuator/prometheus"
                + " and /actuator/health at server.port.")
final class ScheduleCommand extends CliCommand {

    @Mixin
    private Options.Config config;

    @Mixin
    private Options.Who who;

    @Override
    public Integer call() throws InterruptedException {
        who.record("schedule", false);
        return Schedule.run(config.file, properties());
    }
}
