package org.accountpurge.store.search;

import java.util.List;
import java.util.Map;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;

/**
 * The documents of one kind of account in the configured indexes: removed before the database rows (a failure
 * leaves the rows, so a restart finds the accounts again), by id or by the field holding the account id.
 */
public final class SearchAccounts implements AccountStore {

    private final SearchStore client;
    private final List<PurgeProperties.Index> indexes;

    public SearchAccounts(SearchStore client, List<PurgeProperties.Index> indexes) {
        this.client = client;
        this.indexes = List.copyOf(indexes);
    }

    @Override
    public String name() {
        return SearchStore.STORE;
    }

    @Override
    public Phase phase() {
        return Phase.AFTER_LOGIN_IDENTITY;
    }

    /**
     * Every index at once: one search for the indexes matched by a field, one bulk (see the client) that deletes the
     * documents, or in an index with {@code scrub-fields} sets those fields to null in them.
     */
    @Override
    public StoreOutcomes remove(List<String> accountIds) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        client.removeAccounts(fieldByIndex(), scrubFieldsByIndex(), accountIds).forEach(outcomes::put);
        return outcomes;
    }

    /** In a dry run: documents an index with {@code scrub-fields} keeps would be scrubbed, the others deleted. */
    @Override
    public StoreOutcomes preview(List<String> accountIds) {
        Map<String, List<String>> scrubbed = scrubFieldsByIndex();
        StoreOutcomes would = StoreOutcomes.none();
        verify(accountIds).byTarget().forEach((index, perAccount) -> {
            Map<String, TargetOutcome> each = new java.util.LinkedHashMap<>();
            TargetOutcome.Action action = scrubbed.containsKey(index) ? TargetOutcome.Action.SCRUBBED
                    : TargetOutcome.Action.DELETED;
            perAccount.forEach((id, o) -> each.put(id, o.wouldBe(action)));
            would.put(index, each);
        });
        return would;
    }

    /** Index name → the fields its kept documents lose, for the indexes with {@code scrub-fields}. */
    private Map<String, List<String>> scrubFieldsByIndex() {
        Map<String, List<String>> fields = new java.util.LinkedHashMap<>();
        indexes.stream().filter(i -> !i.scrubFields().isEmpty()).forEach(i -> fields.put(i.name(), i.scrubFields()));
        return fields;
    }

    /** Accounts holding a document shared with other accounts: FAILED {@code shared_document} on its index. */
    @Override
    public StoreOutcomes refusals(List<String> accountIds) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        client.sharedDocuments(fieldByIndex(), accountIds).forEach((index, ids) -> {
            Map<String, TargetOutcome> perAccount = new java.util.LinkedHashMap<>();
            ids.forEach(id -> perAccount.put(id, TargetOutcome.failed(SearchStore.SHARED_DOCUMENT)));
            outcomes.put(index, perAccount);
        });
        return outcomes;
    }

    /** Index name → the field holding the account id, null for an index matched by document id; in configured order. */
    private Map<String, String> fieldByIndex() {
        Map<String, String> fieldByIndex = new java.util.LinkedHashMap<>();
        indexes.forEach(index -> fieldByIndex.put(index.name(),
                index.match() == PurgeProperties.IndexMatch.ID ? null : index.field()));
        return fieldByIndex;
    }

    @Override
    public StoreOutcomes verify(List<String> accountIds) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        for (PurgeProperties.Index index : indexes) {
            client.refresh(index.name()); // searches see deletes only once refreshed
            Map<String, Long> left = client.countPerAccount(index.name(), // a kept document: one still holding a field
                    index.match() == PurgeProperties.IndexMatch.ID ? null : index.field(), accountIds,
                    index.scrubFields());
            Map<String, TargetOutcome> perAccount = new java.util.LinkedHashMap<>();
            accountIds.forEach(id -> perAccount.put(id, TargetOutcome.present(left.getOrDefault(id, 0L))));
            outcomes.put(index.name(), perAccount);
        }
        return outcomes;
    }
}
