package org.accountpurge.cli;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.accountpurge.config.JobSection;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.job.RemotePartitioningConfiguration;
import org.accountpurge.worker.WorkerSteps;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code worker}: a long-lived process that works the partitions a manager sends over the broker (remote
 * partitioning), one at a time, until SIGTERM. It takes no tenant lock (the manager holds it) and runs no migration.
 */
@Command(name = "worker", sortOptions = false, sortSynopsis = false,
        description = "Long-lived: works the partitions that purge, nightly or restart send over the broker of"
                + " purge.job.remote, one at a time, with the same configuration file as theirs. SIGTERM stops the"
                + " partition in progress after its chunk (the run ends STOPPED, restartable) and ends.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (SIGTERM)", "2:no purge.job.remote in the configuration, or it cannot start"})
final class WorkerCommand extends CliCommand {

    private static final CountDownLatch STOP = new CountDownLatch(1);

    @Mixin
    private Options.Config config;

    static void requestStop() {
        STOP.countDown();
    }

    @Override
    public Integer call() throws InterruptedException {
        try (ConfigurableApplicationContext ctx = TenantContext.open(config.file, properties(),
                Map.of(RemotePartitioningConfiguration.WORKER, "true"), TenantContext.Access.WRITE)) {
            JobSection job = ctx.getBean(PurgeProperties.class).job();
            if (job.remote() == null) {
                System.err.println("account-purge: worker needs purge.job.remote (broker-url, queue) in " + config.file
                        + ": without it the purge runs its partitions in its own process");
                return ExitCode.NOT_STARTED;
            }
            System.out.println("Worker: takes the partitions of queue " + job.remote().queue() + " at "
                    + job.remote().brokerUrl() + ", one at a time, with 1/" + job.workers() + " of Keycloak's threads"
                    + " and calls per second (purge.job.workers); SIGTERM ends it after the chunk in progress");
            STOP.await();
            WorkerSteps steps = ctx.getBean(WorkerSteps.class);
            steps.stopAll(); // the partition in progress stops after its chunk; one taken meanwhile, before its first
            while (steps.busy()) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            // only then: the listener's stop interrupts a partition it runs, in the middle of its chunk
            ((Lifecycle) ctx.getBean(RemotePartitioningConfiguration.LISTENER)).stop();
            while (steps.busy()) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            System.out.println("Worker stopped (SIGTERM)");
            return ExitCode.COMPLETED;
        }
    }
}
