package org.accountpurge.purge;

import java.util.List;
import org.accountpurge.candidate.AccountKind;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code verifyPurge}: after the purge steps of a real run, checks that every purged account is gone from every
 * store. What is left is recorded per account, store and target ({@code purge.residue}) and the account is marked
 * FAILED, so the run ends with exit code 4 and {@code retry-failed} purges it again.
 */
public class VerifyTasklet implements Tasklet {

    /** What is left of a run's purged accounts. */
    @FunctionalInterface
    public interface ResidueSource {
        List<Verification.Residue> residue(long runId);

        /** Milliseconds each store's checks took in the last {@link #residue} (none: not timed). */
        default java.util.Map<String, Long> millisByStore() {
            return java.util.Map.of();
        }

        /** What the last {@link #residue} checked and what it could not (null: not said). */
        default String coverage() {
            return null;
        }
    }

    private final ResidueSource verification;
    private final CandidateStore candidates;
    private final JdbcTemplate jdbc;

    public VerifyTasklet(ResidueSource verification, CandidateStore candidates, JdbcTemplate jdbc) {
        this.verification = verification;
        this.candidates = candidates;
        this.jdbc = jdbc;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        JobExecution job = contribution.getStepExecution().getJobExecution();
        if (CandidateSource.isDryRun(job.getJobParameters())) {
            return RepeatStatus.FINISHED;
        }
        long run = job.getJobInstance().getInstanceId();
        List<Verification.Residue> residue = verification.residue(run);
        jdbc.batchUpdate("INSERT INTO purge.residue (run_id, job_execution_id, kind, account_id, store, target, count)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", residue.stream().map(r -> new Object[] {run, job.getId(),
                r.kind().code(), r.accountId(), r.store(), r.target(), r.count()}).toList());
        for (AccountKind kind : AccountKind.values()) {
            candidates.fail(run, kind, residue.stream().filter(r -> r.kind() == kind)
                    .map(Verification.Residue::accountId).distinct().toList());
        }
        verification.millisByStore().forEach((store, ms) ->
                contribution.getStepExecution().getExecutionContext().putLong("ms." + store, ms));
        contribution.getStepExecution().getExecutionContext().putLong("residue.accounts",
                residue.stream().map(r -> r.kind() + "/" + r.accountId()).distinct().count());
        if (verification.coverage() != null) { // the step's exit message: the summary says what was checked from it
            contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription(verification.coverage()));
        }
        return RepeatStatus.FINISHED;
    }
}
