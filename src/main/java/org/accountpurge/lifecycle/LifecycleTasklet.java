package org.accountpurge.lifecycle;

import java.time.LocalDate;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The lifecycle's bookkeeping after a kind's purge step: the accounts the run purged end their cycle PURGED; cycles
 * the run did not carry on — the account retained, or no longer selected because it was active — are CANCELLED with
 * the reason. Idempotent (a restart does it again); nothing in a dry run or a CSV run.
 */
public final class LifecycleTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(LifecycleTasklet.class);

    private final AccountKind kind;
    private final String selection;
    private final LifecycleStore lifecycle;

    public LifecycleTasklet(AccountKind kind, String selection, LifecycleStore lifecycle) {
        this.kind = kind;
        this.selection = selection;
        this.lifecycle = lifecycle;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        JobExecution job = contribution.getStepExecution().getJobExecution();
        LocalDate runDate = CandidateSource.runDate(job.getJobParameters());
        if (runDate == null || CandidateSource.isDryRun(job.getJobParameters())) {
            return RepeatStatus.FINISHED;
        }
        long run = job.getJobInstance().getInstanceId();
        int purged = lifecycle.purged(selection, kind, runDate, run);
        int cancelled = lifecycle.cancelLeftBehind(selection, kind, runDate, run);
        log.info("Grace lifecycle of {} accounts: {} purged at the end of their cycle, {} cycle(s) cancelled (retained"
                + " or active again)", kind, purged, cancelled);
        return RepeatStatus.FINISHED;
    }
}
