package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.purge.Orphans;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.store.postgres.TenantLease;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
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
        return orphans(config.file, purge.on(), properties());
    }

    /**
     * Finds documents and realm users whose account no longer exists in the database; writes them as a CSV next to
     * the reports and prints counts. With {@code purge}, removes them (tenant lock held, step log run 0).
     */
    static int orphans(Path config, boolean purge, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = purge
                ? TenantContext.writing(config, properties, Map.of()) : TenantContext.readOnly(config, properties)) {
            Optional<TenantLease> lock = purge ? JobRuns.lock(ctx) : Optional.empty();
            if (purge && lock.isEmpty()) {
                return JobRuns.refusedByLock(ctx);
            }
            if (purge) {
                ctx.getBean(org.accountpurge.audit.PurgeSchema.class).migrateNow(); // its outcomes go to the step log
            }
            try {
                Orphans finder = new Orphans(ctx.getBean(TenantStores.class), ctx.getBean(PurgeProperties.class));
                List<Orphans.Orphan> found = finder.find();
                StringBuilder text = new StringBuilder("kind,store,target,account_id\n");
                found.forEach(o -> text.append(o.kind()).append(',').append(o.store()).append(',').append(o.target())
                        .append(',').append(o.accountId()).append('\n'));
                Path csv = RunPrinter.writeReportCsv(ctx.getBean(PurgeProperties.class).job(),
                        ctx.getBean(JdbcTemplate.class),
                        "orphans", text.toString());
                Map<String, Long> counts = new java.util.TreeMap<>();
                found.forEach(o -> counts.merge(o.store() + " " + o.target(), 1L, Long::sum));
                System.out.println("Orphans (their account is not in the database): " + (found.isEmpty() ? "none"
                        : counts));
                finder.unchecked().forEach(u -> System.out.println("  not checked: " + u));
                System.out.println("Orphans CSV: " + csv);
                if (purge && !found.isEmpty()) {
                    org.accountpurge.store.StoreOutcomes done = finder.remove(found,
                            ctx.getBean(org.accountpurge.audit.StepLog.class));
                    long failed = done.failures("").size();
                    System.out.println("Removed orphans: " + done.byTarget().entrySet().stream().map(e -> e.getKey()
                            + " " + e.getValue().values().stream().filter(o -> !o.isFailure()).count()).toList()
                            + (failed > 0 ? "; failed: " + failed + " (see purge.step_log, run 0)" : ""));
                    return failed > 0 ? ExitCode.FAILED : ExitCode.COMPLETED;
                }
                return ExitCode.COMPLETED;
            } finally {
                lock.ifPresent(TenantLease::close);
            }
        }
    }
}
