package org.accountpurge.purge;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.config.PurgeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The blast-radius guard ({@code purge.guard}), between loading the candidates and anything else: a kind with more
 * candidates than {@code max-accounts}, or than {@code max-share} of its accounts in scope, fails the run before
 * anything is deleted, saying by how much. With {@code --override-guard} the run goes on and the override is recorded
 * ({@code purge.guard_override}); a dry run only warns.
 */
public final class BlastRadius implements Tasklet {

    /** How a run the guard stopped fails (its step's exit message starts so). */
    public static final String FAILURE = "blast-radius guard: ";


    private static final Logger log = LoggerFactory.getLogger(BlastRadius.class);

    private final PurgeProperties.Guard guard;
    private final TenantStores stores;
    private final CandidateStore candidates;
    private final JdbcTemplate jdbc;
    private final boolean override;

    public BlastRadius(PurgeProperties.Guard guard, TenantStores stores, CandidateStore candidates, JdbcTemplate jdbc,
                       boolean override) {
        this.guard = guard;
        this.stores = stores;
        this.candidates = candidates;
        this.jdbc = jdbc;
        this.override = override;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        if (guard.maxAccounts() == null && guard.maxShare() == null) {
            return RepeatStatus.FINISHED;
        }
        JobExecution job = contribution.getStepExecution().getJobExecution();
        long run = job.getJobInstance().getInstanceId();
        boolean dryRun = CandidateSource.isDryRun(job.getJobParameters());
        LocalDate runDate = CandidateSource.runDate(job.getJobParameters());
        List<String> exceeded = new ArrayList<>();
        for (AccountKind kind : stores.kinds()) {
            long n = candidates.count(run, kind, null);
            if (n == 0) {
                continue;
            }
            long scope = (runDate == null ? java.util.OptionalLong.empty()
                    : stores.selection(kind, runDate).map(q -> q.scopeCount()).orElse(java.util.OptionalLong.empty()))
                    .orElseGet(() -> stores.postgres(kind).count());
            String over = over(kind, n, scope);
            if (over == null) {
                log.info("Blast-radius guard: {} {} candidate(s) of {} in scope, within purge.guard", n, kind, scope);
                continue;
            }
            if (override && !dryRun) {
                jdbc.update("INSERT INTO purge.guard_override (run_id, job_execution_id, kind, candidates, scope,"
                        + " exceeded) VALUES (?, ?, ?, ?, ?, ?)", run, job.getId(), kind.code(), n, scope, over);
                log.warn("Blast-radius guard overridden (--override-guard, recorded): {}", over);
            } else if (dryRun) {
                log.warn("Blast-radius guard: {}; a real run would stop here (unless --override-guard)", over);
            } else {
                exceeded.add(over);
            }
        }
        if (!exceeded.isEmpty()) {
            throw new PurgeFailedException(FAILURE + String.join("; ", exceeded) + " (candidates are counted"
                    + " before retention: those a retention rule will keep count too). Nothing was deleted. Check the"
                    + " selection or the list; if this many is intended, restart with --override-guard (it is"
                    + " recorded)");
        }
        return RepeatStatus.FINISHED;
    }

    /** What the kind's candidates exceed, by how much; null when within the guard. */
    String over(AccountKind kind, long n, long scope) {
        List<String> parts = new ArrayList<>();
        if (guard.maxAccounts() != null && n > guard.maxAccounts()) {
            parts.add(n + " " + kind + " candidates exceed purge.guard.max-accounts " + guard.maxAccounts() + " by "
                    + (n - guard.maxAccounts()));
        }
        if (guard.maxShare() != null && scope > 0 && (double) n / scope > guard.maxShare()) {
            long allowed = (long) Math.floor(guard.maxShare() * scope);
            parts.add(n + " of " + scope + " " + kind + " accounts in scope (" + percent((double) n / scope)
                    + ") exceed purge.guard.max-share " + percent(guard.maxShare()) + " (" + allowed + ") by "
                    + (n - allowed));
        }
        return parts.isEmpty() ? null : String.join(", and ", parts);
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", share * 100);
    }
}
