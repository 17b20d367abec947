package org.accountpurge.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.accountpurge.config.PurgeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.support.CronExpression;

/**
 * The long-lived {@code schedule} command: runs {@code nightly} for the day's date at each time of
 * {@code purge.schedule.cron}, one run after the other on this one thread (never two at once; another process is
 * refused by the tenant's lock, an already completed date by the job repository). SIGTERM ends it cleanly: a run in
 * progress stops after its current chunk (STOPPED, resumed by the next night), then the command returns. While it
 * lives it serves {@code /actuator/prometheus} (the counters of every night's run) and {@code /actuator/health} at
 * {@code server.port}.
 */
final class Schedule {

    private static final Logger log = LoggerFactory.getLogger(Schedule.class);
    private static final CountDownLatch STOP = new CountDownLatch(1);

    private Schedule() {
    }

    /** No further run starts; the one in progress is stopped by the caller ({@link TenantContext#stopRunning}). */
    static void requestStop() {
        STOP.countDown();
    }

    static int run(Path config, Map<String, Object> properties) throws InterruptedException {
        // the process's own context, open while it lives: it serves /actuator/prometheus and /actuator/health at
        // server.port, and the registry every night's run counts into
        try (ConfigurableApplicationContext ctx = TenantContext.open(config, properties, Map.of(
                "spring.main.web-application-type", "servlet", "spring.datasource.hikari.minimum-idle", "0"),
                TenantContext.Access.READ_ONLY)) {
            PurgeProperties.Schedule schedule = ctx.getBean(PurgeProperties.class).schedule();
            if (schedule == null || ctx.getBean(PurgeProperties.class).selection() == null) {
                throw new StartupException(config + " needs purge.schedule (cron, zone) and purge.selection"
                        + " for the schedule command", true);
            }
            System.out.println("Metrics: http://localhost:" + ctx.getEnvironment().getProperty("local.server.port")
                    + "/actuator/prometheus (health: /actuator/health)");
            TenantContext.shareMeters(ctx.getBean(PrometheusMeterRegistry.class));
            try {
                return loop(config, schedule, properties);
            } finally {
                TenantContext.shareMeters(null);
            }
        }
    }

    private static int loop(Path config, PurgeProperties.Schedule schedule, Map<String, Object> properties)
            throws InterruptedException {
        CronExpression cron = CronExpression.parse(schedule.cron());
        ZoneId zone = ZoneId.of(schedule.zone());
        System.out.println("Scheduled: the nightly purge of " + config + " at '" + schedule.cron() + "' (" + zone
                + "); SIGTERM ends this process after the chunk in progress");
        while (true) {
            ZonedDateTime next = cron.next(ZonedDateTime.now(zone));
            if (next == null) {
                System.out.println("The cron expression has no next time: nothing more to run");
                return ExitCode.COMPLETED;
            }
            log.info("Next nightly purge at {}", next);
            long wait = Math.max(0, Duration.between(ZonedDateTime.now(zone), next).toMillis());
            if (STOP.await(wait, TimeUnit.MILLISECONDS)) {
                System.out.println("Stopped (SIGTERM): no run in progress");
                return ExitCode.COMPLETED;
            }
            LocalDate runDate = next.toLocalDate();
            int code;
            try {
                code = NightlyCommand.nightly(config, runDate, false, false, properties);
            } catch (RuntimeException e) {
                log.error("The nightly purge of {} could not run: {}", runDate, e.getMessage());
                code = ExitCode.NOT_STARTED;
            }
            System.out.println("The nightly purge of " + runDate + " ended with exit code " + code);
            if (STOP.getCount() == 0) {
                System.out.println("Stopped (SIGTERM) after the run of " + runDate);
                return ExitCode.COMPLETED;
            }
        }
    }
}
