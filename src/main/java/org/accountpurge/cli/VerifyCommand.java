package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.purge.Verification;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;

/** {@code verify}: a run's purged accounts checked again. */
@Command(name = "verify", sortOptions = false, sortSynopsis = false,
        description = "Checks now that a run's purged accounts are gone from every store it names (and says which"
                + " it could not check). Read-only.")
final class VerifyCommand extends ExecutionCommand {

    @Override
    public Integer call() {
        return verify(config.file, execution.id, properties());
    }

    /**
     * Checks, now, that the accounts an execution's run purged are gone from every store (read-only): prints what is
     * left per account, store and target; exit code 0 when nothing is, 1 otherwise.
     */
    static int verify(Path config, long executionId, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.readOnly(config, properties)) {
            JobExecution execution = JobRuns.execution(ctx, executionId);
            long run = execution.getJobInstance().getInstanceId();
            List<Verification.Residue> residue;
            Verification verification = new Verification(ctx.getBean(TenantStores.class),
                    ctx.getBean(JdbcTemplate.class));
            try {
                residue = verification.residue(run);
            } catch (org.accountpurge.store.StoreException e) { // a check not made is not "nothing left"
                System.out.println("Verification of run " + run + " is incomplete: " + e.getMessage());
                return ExitCode.FAILED;
            }
            residue.forEach(r -> System.out.println("  left: " + r.kind() + " " + r.accountId() + " in " + r.store()
                    + " " + r.target() + ": " + r.count()));
            long accounts = residue.stream().map(r -> r.kind() + "/" + r.accountId()).distinct().count();
            System.out.println("Verification of run " + run + ": " + (accounts == 0
                    ? "nothing is left of its purged accounts where it looked"
                    : accounts + " purged account(s) still have data; purge them again with a CSV of their ids")
                    + " (" + verification.coverage() + ")");
            return accounts == 0 ? ExitCode.COMPLETED : ExitCode.FAILED;
        }
    }
}
