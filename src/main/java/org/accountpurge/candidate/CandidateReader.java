package org.accountpurge.candidate;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The run's candidate rows from the source its parameters name — the CSV file or the selection — as one concrete
 * type for the step-scoped reader of {@code loadCandidates} (not final: the step scope proxies it by subclassing).
 */
public class CandidateReader implements ItemStreamReader<InputRow> {

    private final ItemStreamReader<InputRow> source;

    public CandidateReader(ItemStreamReader<InputRow> source) {
        this.source = source;
    }

    @Override
    public void open(ExecutionContext context) {
        source.open(context);
    }

    @Override
    public InputRow read() throws Exception {
        return source.read();
    }

    @Override
    public void update(ExecutionContext context) {
        source.update(context);
    }

    @Override
    public void close() {
        source.close();
    }
}
