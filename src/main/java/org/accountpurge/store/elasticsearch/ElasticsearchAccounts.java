package org.accountpurge.store.elasticsearch;

import java.util.List;
import java.util.Map;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;

/**
 * The documents of one kind of account in the configured indexes: removed before the database rows (a failure
 * leaves the rows, so a restart finds the accounts again), by id or by the field holding the account id.
 */
public final class ElasticsearchAccounts implements AccountStore {

    private final ElasticsearchStore client;
    private final List<PurgeProperties.Index> indexes;

    public ElasticsearchAccounts(ElasticsearchStore client, List<PurgeProperties.Index> indexes) {
        this.client = client;
        this.indexes = List.copyOf(indexes);
    }

    @Override
    public String name() {
        return ElasticsearchStore.STORE;
    }

    @Override
    public Phase phase() {
        return Phase.AFTER_LOGIN_IDENTITY;
    }

    @Override
    public StoreOutcomes remove(List<String> accountIds) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        for (PurgeProperties.Index index : indexes) {
            try {
                outcomes.put(index.name(), index.match() == PurgeProperties.IndexMatch.ID
                        ? client.deleteByIds(index.name(), accountIds)
                        : client.deleteByField(index.name(), index.field(), accountIds));
            } catch (StoreException e) {
                throw e.at(index.name(), outcomes);
            }
        }
        return outcomes;
    }

    @Override
    public StoreOutcomes verify(List<String> accountIds) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        for (PurgeProperties.Index index : indexes) {
            client.refresh(index.name()); // searches see deletes only once refreshed
            Map<String, Long> left = client.countPerAccount(index.name(),
                    index.match() == PurgeProperties.IndexMatch.ID ? null : index.field(), accountIds);
            Map<String, TargetOutcome> perAccount = new java.util.LinkedHashMap<>();
            accountIds.forEach(id -> perAccount.put(id, TargetOutcome.present(left.getOrDefault(id, 0L))));
            outcomes.put(index.name(), perAccount);
        }
        return outcomes;
    }
}
