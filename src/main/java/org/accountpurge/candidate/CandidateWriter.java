package org.accountpurge.candidate;

import java.util.List;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/** Stages a chunk of screened rows: the accepted ones for {@code freezeCandidates}, the others as rejected rows. */
public class CandidateWriter implements ItemWriter<InputRow> {

    private final long runId;
    private final CandidateStore candidates;

    public CandidateWriter(long runId, CandidateStore candidates) {
        this.runId = runId;
        this.candidates = candidates;
    }

    @Override
    public void write(Chunk<? extends InputRow> chunk) {
        candidates.stage(runId, List.copyOf(chunk.getItems()));
    }
}
