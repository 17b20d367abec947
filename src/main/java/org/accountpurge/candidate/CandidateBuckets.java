package org.accountpurge.candidate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.partition.PartitionNameProvider;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The run's candidates cut into {@code partitions} buckets by a stable hash of the account id (PostgreSQL's
 * {@code hashtext}, the same for a uuid or a text id, whatever its length): partition {@code i} holds the accounts
 * whose hash is {@code i} modulo the count. Its names are fixed ({@code partition0} …), so a restart finds the
 * partitions of the failed execution and runs only the unfinished ones.
 */
public final class CandidateBuckets implements Partitioner, PartitionNameProvider {

    /** The execution-context keys of a partition: its number, and the count. */
    public static final String PARTITION = "partition";
    public static final String PARTITIONS = "partitions";

    /** The SQL condition on {@code account_id} of one partition, with the parameters {@code :partition}, {@code :partitions}. */
    public static final String SQL = "mod(hashtext(account_id) & 2147483647, :partitions) = :partition";

    private final int partitions;

    public CandidateBuckets(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (String name : getPartitionNames(gridSize)) {
            ExecutionContext context = new ExecutionContext();
            context.putInt(PARTITION, Integer.parseInt(name.substring(PARTITION.length())));
            context.putInt(PARTITIONS, partitions);
            contexts.put(name, context);
        }
        return contexts;
    }

    @Override
    public Collection<String> getPartitionNames(int gridSize) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            names.add(PARTITION + i);
        }
        return names;
    }
}
