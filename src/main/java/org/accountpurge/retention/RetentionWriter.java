package org.accountpurge.retention;

import java.util.List;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateStore;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/** Records, for a chunk of pending candidates, each retained account with every reason that applies. */
public class RetentionWriter implements ItemWriter<Candidate> {

    private final long runId;
    private final String kind;
    private final RetentionEvaluator evaluator;
    private final CandidateStore candidates;

    public RetentionWriter(long runId, String kind, RetentionEvaluator evaluator, CandidateStore candidates) {
        this.runId = runId;
        this.kind = kind;
        this.evaluator = evaluator;
        this.candidates = candidates;
    }

    @Override
    public void write(Chunk<? extends Candidate> chunk) {
        List<String> ids = chunk.getItems().stream().map(Candidate::accountId).toList();
        candidates.retain(runId, kind, evaluator.reasons(ids));
    }
}
