package org.accountpurge.retention;

import java.util.List;
import java.util.function.Supplier;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateStore;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Records, for a chunk of pending candidates of one kind, each retained account with every reason that applies. The
 * evaluator is made when the step starts (the delete plan's protect edges are the database's as they are then).
 */
public class RetentionWriter implements ItemWriter<Candidate>, StepExecutionListener {

    private final AccountKind kind;
    private final Supplier<RetentionEvaluator> evaluators;
    private final CandidateStore candidates;
    private long runId;
    private RetentionEvaluator evaluator;

    public RetentionWriter(AccountKind kind, Supplier<RetentionEvaluator> evaluators, CandidateStore candidates) {
        this.kind = kind;
        this.evaluators = evaluators;
        this.candidates = candidates;
    }

    @Override
    public void beforeStep(StepExecution step) {
        runId = step.getJobExecution().getJobInstance().getInstanceId();
        evaluator = evaluators.get();
    }

    @Override
    public void write(Chunk<? extends Candidate> chunk) {
        List<String> ids = chunk.getItems().stream().map(Candidate::accountId).toList();
        candidates.retain(runId, kind, evaluator.reasons(ids));
    }
}
