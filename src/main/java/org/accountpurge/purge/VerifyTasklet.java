package org.accountpurge.purge;

import java.util.List;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code verifyPurge}: after the purge steps of a real run, checks that every purged account is gone from every
 * store, a page per transaction. What is left is recorded per account, store and target ({@code purge.residue}) and
 * the account is marked FAILED, so the run ends with exit code 4 and {@code retry-failed} purges it again. Where the
 * next page starts is kept in the step's context with each page: a stop asked meanwhile ends the step between pages
 * (STOPPED), and its restart goes on from there.
 */
public class VerifyTasklet implements Tasklet {

    /** The step's context keys of where the next page starts. */
    static final String KIND = "verify.kind";
    static final String AFTER = "verify.after";

    /** What is left of a run's purged accounts. */
    public interface ResidueSource {
        /**
         * What is left of one page of the run's purged accounts from {@code at} (null: the start), and where the next
         * page starts (null: the verification is done).
         */
        Verification.Page page(long runId, Verification.Position at);

        /** Everything left, all pages. */
        default List<Verification.Residue> residue(long runId) {
            List<Verification.Residue> all = new java.util.ArrayList<>();
            Verification.Position at = null;
            do {
                Verification.Page page = page(runId, at);
                all.addAll(page.residue());
                at = page.next();
            } while (at != null);
            return all;
        }

        /** Milliseconds each store's checks took in the last {@link #page} (none: not timed). */
        default java.util.Map<String, Long> millisByStore() {
            return java.util.Map.of();
        }

        /** What the verification checked and what it could not, once its last page is done (null: not said). */
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
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        Verification.Position at = context.containsKey(KIND)
                ? new Verification.Position(context.getString(KIND), context.getString(AFTER)) : null;
        Verification.Page page = verification.page(run, at);
        List<Verification.Residue> residue = page.residue();
        if (!residue.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO purge.residue (run_id, job_execution_id, kind, account_id, store, target,"
                    + " count) VALUES (?, ?, ?, ?, ?, ?, ?)", residue.stream().map(r -> new Object[] {run, job.getId(),
                    r.kind().code(), r.accountId(), r.store(), r.target(), r.count()}).toList());
        }
        for (AccountKind kind : AccountKind.values()) {
            candidates.fail(run, kind, residue.stream().filter(r -> r.kind() == kind)
                    .map(Verification.Residue::accountId).distinct().toList());
        }
        verification.millisByStore().forEach((store, ms) ->
                context.putLong("ms." + store, context.getLong("ms." + store, 0L) + ms));
        context.putLong("residue.accounts", context.getLong("residue.accounts", 0L)
                + residue.stream().map(r -> r.kind() + "/" + r.accountId()).distinct().count());
        if (page.next() != null) { // committed with this page's residue: a restart goes on from here
            context.putString(KIND, page.next().kind());
            context.putString(AFTER, page.next().after());
            return RepeatStatus.CONTINUABLE;
        }
        context.remove(KIND);
        context.remove(AFTER);
        if (verification.coverage() != null) { // the step's exit message: the summary says what was checked from it
            contribution.setExitStatus(ExitStatus.COMPLETED.addExitDescription(verification.coverage()));
        }
        return RepeatStatus.FINISHED;
    }
}
