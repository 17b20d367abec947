package org.accountpurge.store.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.TargetOutcome;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * The purge's view of Elasticsearch. Every call goes through {@link #execute}, which turns client and
 * transport errors into {@link StoreException}; bulk responses are read item by item.
 */
public final class ElasticsearchStore implements AutoCloseable {

    static final String STORE = "elasticsearch";
    /**
     * Step-log error of an account one of whose documents also names other accounts (its field holds several ids):
     * the document is left, and the account with it, for somebody to decide.
     */
    public static final String SHARED_DOCUMENT = "shared_document";
    private static final int BULK_SIZE = 1000;
    private static final int PAGE_SIZE = 5000;

    private final RestClient restClient;
    private final ElasticsearchClient client;

    public ElasticsearchStore(String url, Duration connectTimeout, Duration requestTimeout) {
        this.restClient = RestClient.builder(HttpHost.create(url))
                .setRequestConfigCallback(c -> c.setConnectTimeout((int) connectTimeout.toMillis())
                        .setSocketTimeout((int) requestTimeout.toMillis()))
                .build();
        this.client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T execute(String what, Call<T> call) {
        try {
            return call.run();
        } catch (ElasticsearchException e) {
            throw new StoreException(STORE, what + " failed: " + e.error().type(), e, e.error().type());
        } catch (IOException e) {
            throw new StoreException(STORE, what + " failed: " + e.getClass().getSimpleName(), e);
        }
    }

    public boolean indexExists(String index) {
        return execute("exists " + index, () -> client.indices().exists(e -> e.index(index)).value());
    }

    /**
     * Why documents of {@code index} cannot be found by the account id in {@code field}, or null when they can: an
     * index that does not map the field (a search finds nothing in it), or maps it as analysed text (a search for an id
     * finds none of the words it was cut into).
     */
    public String fieldProblem(String index, String field) {
        var response = execute("mapping of " + field + " in " + index,
                () -> client.indices().getFieldMapping(r -> r.index(index).fields(field)));
        List<String> problems = new ArrayList<>();
        response.result().forEach((concrete, mappings) -> {
            var mapping = mappings.mappings().get(field);
            if (mapping == null || mapping.mapping().isEmpty()) {
                problems.add("index " + concrete + " has no field " + field + " (a search for an account finds nothing)");
            } else if (mapping.mapping().values().stream().anyMatch(p -> p.isText() || p.isMatchOnlyText())) {
                List<String> keywords = new ArrayList<>();
                mapping.mapping().values().stream().filter(p -> p.isText()).forEach(p -> p.text().fields().forEach(
                        (name, sub) -> {
                            if (sub.isKeyword() || sub.isConstantKeyword() || sub.isWildcard()) {
                                keywords.add(field + "." + name);
                            }
                        }));
                problems.add("field " + field + " of index " + concrete + " is analysed text (an id is cut into words a"
                        + " search for the whole id never finds): " + (keywords.isEmpty() ? "the index maps no keyword"
                        + " sub-field of it; name a keyword field, or map one and reindex"
                        : "name its keyword sub-field " + String.join(" or ", keywords)));
            }
        });
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /**
     * Deletes the documents whose id is an account id. Per account: deleted 1, absent (404 / not_found),
     * or failed with the item's error type.
     */
    public Map<String, TargetOutcome> deleteByIds(String index, List<String> accountIds) {
        return deleteAccounts(java.util.Collections.singletonMap(index, null), accountIds).get(index);
    }

    /**
     * Deletes every document whose {@code field} holds one of the account ids (the integ-test distribution has no
     * _delete_by_query): search a page, bulk delete it by id, refresh, and search again until nothing matches.
     */
    public Map<String, TargetOutcome> deleteByField(String index, String field, List<String> accountIds) {
        return deleteAccounts(Map.of(index, field), accountIds).get(index);
    }

    /**
     * Deletes the accounts' documents from several indexes at once: one {@code _msearch} finds the documents of the
     * indexes matched by a field (an index with more than a page of them is read to the end by a scroll), then
     * {@code _bulk} deletes those and the documents of the indexes matched by id (index name → field; a null field: the
     * document id is the account id). Nothing is deleted before every document of the accounts is found; a shared
     * document is left with its accounts ({@link AccountDocuments#deletion}). Per index and account as
     * {@link #deleteByIds} and {@link #deleteByField}; a search an index refuses fails the call before anything is
     * deleted, naming the index.
     */
    public Map<String, Map<String, TargetOutcome>> deleteAccounts(Map<String, String> fieldByIndex,
                                                                  List<String> accountIds) {
        return removeAccounts(fieldByIndex, Map.of(), accountIds);
    }

    /**
     * ... except in the indexes of {@code scrubFields} (index → top-level fields), whose documents are kept and
     * those fields set to null (a partial update each, in the same bulks): scrubbed 1 per document changed, absent
     * for one whose fields are null already (a second run: a noop) or that is gone.
     */
    public Map<String, Map<String, TargetOutcome>> removeAccounts(Map<String, String> fieldByIndex,
                                                                  Map<String, List<String>> scrubFields,
                                                                  List<String> accountIds) {
        AccountDocuments.Deletion deletion = AccountDocuments.deletion(fieldByIndex, accountIds,
                findAll(fieldByIndex, accountIds));
        bulk(deletion.documents(), deletion.outcomes(), scrubFields);
        return deletion.outcomes();
    }

    /**
     * The partial document that empties {@code fields}: each set to null (no script: the integ-test distribution has
     * no scripting); a document whose fields are null already is a noop.
     */
    private static co.elastic.clients.json.JsonData nulled(List<String> fields) {
        jakarta.json.JsonObjectBuilder doc = jakarta.json.Json.createObjectBuilder();
        fields.forEach(doc::addNull);
        return co.elastic.clients.json.JsonData.of(doc.build());
    }
    /**
     * Per index matched by a field, the accounts that hold a document shared with other accounts (its field names
     * more than one id): documents nobody should delete for one account alone. Reads only.
     */
    public Map<String, java.util.Set<String>> sharedDocuments(Map<String, String> fieldByIndex, List<String> accountIds) {
        return AccountDocuments.shared(findAll(fieldByIndex, accountIds), accountIds);
    }

    /**
     * Every document of the accounts in each index matched by a field (index → field; indexes matched by id are left
     * out), with the account ids in its field: one {@code _msearch} for the first page of all of them, a scroll to the
     * end for an index whose first page is full.
     */
    private Map<String, List<AccountDocuments.Owned>> findAll(Map<String, String> fieldByIndex, List<String> accountIds) {
        List<String> byField = fieldByIndex.entrySet().stream().filter(e -> e.getValue() != null)
                .map(Map.Entry::getKey).toList();
        if (byField.isEmpty() || accountIds.isEmpty()) {
            Map<String, List<AccountDocuments.Owned>> none = new LinkedHashMap<>();
            byField.forEach(index -> none.put(index, List.of()));
            return none;
        }
        Map<String, List<AccountDocuments.Owned>> found = findByFields(byField, fieldByIndex, accountIds);
        for (String index : byField) {
            if (found.get(index).size() >= PAGE_SIZE) {
                List<AccountDocuments.Owned> all = new ArrayList<>();
                String field = fieldByIndex.get(index);
                scroll(index, terms(field, accountIds), field, hits -> all.addAll(owners(hits, field)));
                found.put(index, all);
            }
        }
        return found;
    }

    /** Up to a page of documents and the account ids in their field per index, all indexes in one {@code _msearch}. */
    private Map<String, List<AccountDocuments.Owned>> findByFields(List<String> indexes, Map<String, String> fieldByIndex,
                                                     List<String> accountIds) {
        @SuppressWarnings("rawtypes")
        co.elastic.clients.elasticsearch.core.MsearchResponse<Map> response = execute("search " + indexes,
                () -> client.msearch(m -> {
                    for (String index : indexes) {
                        String field = fieldByIndex.get(index);
                        m.searches(s -> s.header(h -> h.index(index)).body(b -> b.size(PAGE_SIZE)
                                .query(terms(field, accountIds)).source(src -> src.filter(f -> f.includes(field)))));
                    }
                    return m;
                }, Map.class));
        Map<String, List<AccountDocuments.Owned>> found = new LinkedHashMap<>();
        for (int i = 0; i < indexes.size(); i++) {
            String index = indexes.get(i);
            String field = fieldByIndex.get(index);
            @SuppressWarnings("rawtypes")
            co.elastic.clients.elasticsearch.core.msearch.MultiSearchResponseItem<Map> item = response.responses().get(i);
            if (item.isFailure()) {
                String type = item.failure().error().type();
                throw new StoreException(STORE, "search " + index + " failed: " + type, null, type)
                        .at(index, org.accountpurge.store.StoreOutcomes.none());
            }
            found.put(index, owners(item.result().hits().hits(), field));
        }
        return found;
    }

    /** Makes every write so far visible to searches (deletes included): before counting what is left. */
    public void refresh(String index) {
        execute("refresh " + index, () -> client.indices().refresh(r -> r.index(index)));
    }

    /**
     * Per account, how many documents of {@code index} are its own: by document id ({@code field} null) or by the
     * field holding the account id (one search, and a scroll to the end when a page is full).
     */
    public Map<String, Long> countPerAccount(String index, String field, List<String> accountIds) {
        return countPerAccount(index, field, accountIds, List.of());
    }

    /** ... of those, only the documents holding one of the fields {@code holding} (none given: every document). */
    public Map<String, Long> countPerAccount(String index, String field, List<String> accountIds, List<String> holding) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Query own = field == null ? Query.of(q -> q.ids(i -> i.values(accountIds))) : terms(field, accountIds);
        Query query = holding.isEmpty() ? own : Query.of(q -> q.bool(b -> b.filter(own).minimumShouldMatch("1")
                .should(holding.stream().map(f -> Query.of(x -> x.exists(e -> e.field(f)))).toList())));
        if (field == null) {
            @SuppressWarnings("rawtypes")
            SearchResponse<Map> found = execute("search " + index, () -> client.search(s -> s.index(index)
                    .size(accountIds.size()).query(query).source(src -> src.fetch(false)), Map.class));
            found.hits().hits().forEach(h -> counts.merge(h.id(), 1L, Long::sum));
        } else {
            List<AccountDocuments.Owned> docs = findByField(index, field, query);
            if (docs.size() >= PAGE_SIZE) { // more than a page: read to the end, so a dry run counts them all
                List<AccountDocuments.Owned> all = new ArrayList<>();
                scroll(index, query, field, hits -> all.addAll(owners(hits, field)));
                docs = all;
            }
            for (AccountDocuments.Owned doc : docs) { // a document shared with others counts too
                doc.owners().stream().distinct().filter(accountIds::contains)
                        .forEach(id -> counts.merge(id, 1L, Long::sum));
            }
        }
        return counts;
    }

    /**
     * Every account id the index holds documents of — the document id, or the value of {@code field} — handed over in
     * batches of distinct ids (scrolling through the whole index).
     */
    public void accountIds(String index, String field, java.util.function.Consumer<List<String>> batch) {
        refresh(index);
        scroll(index, null, field, hits -> {
            java.util.Set<String> ids = new java.util.LinkedHashSet<>();
            for (@SuppressWarnings("rawtypes") Hit<Map> hit : hits) {
                if (field == null) {
                    ids.add(hit.id());
                } else {
                    ids.addAll(AccountDocuments.values(hit.source(), field));
                }
            }
            batch.accept(List.copyOf(ids));
        });
    }

    /**
     * Every document of {@code index} that {@code query} finds (null: all), a page at a time, with the source of
     * {@code field} (null: no source), through a scroll that is cleared at the end.
     */
    @SuppressWarnings("rawtypes")
    private void scroll(String index, Query query, String field, java.util.function.Consumer<List<Hit<Map>>> page) {
        co.elastic.clients.elasticsearch._types.Time keepAlive = co.elastic.clients.elasticsearch._types.Time.of(
                t -> t.time("2m"));
        SearchResponse<Map> first = execute("scroll " + index, () -> client.search(s -> {
            s.index(index).size(PAGE_SIZE).scroll(keepAlive)
                    .source(src -> field == null ? src.fetch(false) : src.filter(f -> f.includes(field)));
            return query == null ? s : s.query(query);
        }, Map.class));
        String scrollId = first.scrollId();
        List<Hit<Map>> hits = first.hits().hits();
        try {
            while (!hits.isEmpty()) {
                page.accept(hits);
                String id = scrollId;
                co.elastic.clients.elasticsearch.core.ScrollResponse<Map> next = execute("scroll " + index,
                        () -> client.scroll(sc -> sc.scrollId(id).scroll(keepAlive), Map.class));
                scrollId = next.scrollId();
                hits = next.hits().hits();
            }
        } finally {
            String id = scrollId;
            if (id != null) {
                try {
                    client.clearScroll(c -> c.scrollId(id));
                } catch (IOException | ElasticsearchException e) {
                    // the scroll expires on its own
                }
            }
        }
    }

    /** Up to a page of the documents {@code query} finds, with the account ids in their {@code field}. */
    private List<AccountDocuments.Owned> findByField(String index, String field, Query query) {
        @SuppressWarnings("rawtypes")
        SearchResponse<Map> page = execute("search " + index, () -> client.search(s -> s.index(index).size(PAGE_SIZE)
                .query(query).source(src -> src.filter(f -> f.includes(field))), Map.class));
        return owners(page.hits().hits(), field);
    }

    /** Each hit with the values of {@code field} in its source. */
    @SuppressWarnings("rawtypes")
    private static List<AccountDocuments.Owned> owners(List<Hit<Map>> hits, String field) {
        List<AccountDocuments.Owned> found = new ArrayList<>();
        for (Hit<Map> hit : hits) {
            found.add(new AccountDocuments.Owned(hit.id(), AccountDocuments.values(hit.source(), field)));
        }
        return found;
    }

    /**
     * Deletes [index, document id, account id] in bulks, or, in an index of {@code scrubFields}, nulls those fields;
     * each item's outcome is merged into its index's account.
     */
    private void bulk(List<String[]> docs, Map<String, Map<String, TargetOutcome>> outcomesByIndex,
                      Map<String, List<String>> scrubFields) {
        for (int from = 0; from < docs.size(); from += BULK_SIZE) {
            List<String[]> slice = docs.subList(from, Math.min(docs.size(), from + BULK_SIZE));
            BulkRequest.Builder bulk = new BulkRequest.Builder();
            slice.forEach(d -> bulk.operations(op -> !scrubFields.containsKey(d[0])
                    ? op.delete(del -> del.index(d[0]).id(d[1]))
                    : op.update(u -> u.index(d[0]).id(d[1]).action(a -> a.doc(nulled(scrubFields.get(d[0])))))));
            BulkResponse response = execute("bulk " + slice.stream().map(d -> d[0]).distinct().toList(),
                    () -> client.bulk(bulk.build()));
            List<BulkResponseItem> items = response.items();
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                String account = slice.get(i)[2];
                Map<String, TargetOutcome> outcomes = outcomesByIndex.get(slice.get(i)[0]);
                if (account == null || !outcomes.containsKey(account)) {
                    continue;
                }
                TargetOutcome outcome;
                if (item.error() != null && item.status() != 404) {
                    outcome = TargetOutcome.failed(item.error().type());
                } else if (item.status() == 404 || "not_found".equals(item.result()) || "noop".equals(item.result())) {
                    outcome = TargetOutcome.absent();
                } else {
                    outcome = scrubFields.containsKey(slice.get(i)[0]) ? TargetOutcome.scrubbed(1)
                            : TargetOutcome.deleted(1);
                }
                outcomes.merge(account, outcome, TargetOutcome::plus);
            }
        }
    }

    private static Query terms(String field, List<String> values) {
        List<FieldValue> fieldValues = values.stream().map(FieldValue::of).toList();
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(fieldValues))));
    }

    @Override
    public void close() {
        try {
            restClient.close();
        } catch (IOException e) {
            // closing a client that cannot reach its server is fine
        }
    }
}
