package org.accountpurge.candidate;

import org.accountpurge.account.AccountKind;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;

/**
 * The run's pending candidates of one kind, by id, with keyset paging: the position is saved in the step's execution
 * context under {@code pending<Kind>.*} and survives a restart. A fresh paging reader is made for each step execution
 * (the run it reads is the step's job instance). In a partition of the step, only the candidates of its bucket
 * ({@link CandidateBuckets}).
 */
public class PendingCandidates implements ItemStreamReader<Candidate>, StepExecutionListener {

    private final AccountKind kind;
    private final DataSource dataSource;
    private final int pageSize;
    private JdbcPagingItemReader<Candidate> reader;

    public PendingCandidates(AccountKind kind, DataSource dataSource, int pageSize) {
        this.kind = kind;
        this.dataSource = dataSource;
        this.pageSize = pageSize;
    }

    /** The name keying the reader's restart state. */
    public String name() {
        return "pending" + kind.plural();
    }

    @Override
    public void beforeStep(StepExecution step) {
        long runId = step.getJobExecution().getJobInstance().getInstanceId();
        // a partition of the step (CandidateBuckets) reads its bucket only
        boolean partition = step.getExecutionContext().containsKey(CandidateBuckets.PARTITIONS);
        Map<String, Object> parameters = new java.util.HashMap<>(Map.of("run", runId, "kind", kind.code()));
        if (partition) {
            parameters.put(CandidateBuckets.PARTITION, step.getExecutionContext().getInt(CandidateBuckets.PARTITION));
            parameters.put(CandidateBuckets.PARTITIONS, step.getExecutionContext().getInt(CandidateBuckets.PARTITIONS));
        }
        try {
            reader = new JdbcPagingItemReaderBuilder<Candidate>().name(name())
                    .dataSource(dataSource).selectClause("account_id").fromClause("purge.candidate")
                    .whereClause("run_id = :run AND kind = :kind AND state = 'PENDING'"
                            + (partition ? " AND " + CandidateBuckets.SQL : ""))
                    .parameterValues(parameters)
                    .sortKeys(Map.of("account_id", Order.ASCENDING)).pageSize(pageSize)
                    .rowMapper((rs, n) -> new Candidate(kind, rs.getString(1))).build();
            reader.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the pending " + kind + " candidates", e);
        }
    }

    @Override
    public Candidate read() throws Exception {
        return reader.read();
    }

    @Override
    public void open(ExecutionContext context) {
        reader.open(context);
    }

    @Override
    public void update(ExecutionContext context) {
        reader.update(context);
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
        }
    }
}
