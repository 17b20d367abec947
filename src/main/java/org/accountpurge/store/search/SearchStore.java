package org.accountpurge.store.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;

/**
 * The purge's view of the search server (Elasticsearch or OpenSearch, whichever answers at the configured address):
 * finding an account's documents by id, by a keyword field or a path through objects, deleting or scrubbing them in
 * bulks read item by item, counting what is left, and listing every account an index holds. The same for both engines;
 * the {@link SearchEngine} below does the talking. The server is asked what it is on first use
 * ({@link SearchServer#detect}) and refused when it is of a kind or version this tool does not support.
 */
public final class SearchStore implements AutoCloseable {

    /** The step log's name of this store, whatever the engine: the configuration section's ({@code purge.elasticsearch}). */
    public static final String STORE = "elasticsearch";
    /**
     * Step-log error of an account one of whose documents also names other accounts (its field holds several ids):
     * the document is left, and the account with it, for somebody to decide.
     */
    public static final String SHARED_DOCUMENT = "shared_document";
    private static final int BULK_SIZE = 1000;
    private static final int PAGE_SIZE = 5000;

    private final Supplier<SearchServer> probe;
    private final Function<SearchServer, SearchEngine> clients;
    private SearchServer server;
    private SearchEngine engine;

    /**
     * @param probe   asks the server what it is (once, on first use)
     * @param clients the engine that talks to a supported server of that kind
     */
    public SearchStore(Supplier<SearchServer> probe, Function<SearchServer, SearchEngine> clients) {
        this.probe = probe;
        this.clients = clients;
    }

    /** What answers at the configured address; a server that cannot be reached fails the call ({@link StoreException}). */
    public synchronized SearchServer server() {
        if (server == null) {
            server = probe.get();
        }
        return server;
    }

    private synchronized SearchEngine engine() {
        if (engine == null) {
            SearchServer found = server();
            if (found.problem() != null) {
                throw new StoreException(STORE, found.problem(), null, "unsupported_server");
            }
            engine = clients.apply(found);
        }
        return engine;
    }

    public boolean indexExists(String index) {
        return engine().indexExists(index);
    }

    /**
     * Why documents of {@code index} cannot be found by the account id in {@code field}, or null when they can: an
     * index that does not map the field (a search finds nothing in it), or maps it as analysed text (a search for an id
     * finds none of the words it was cut into).
     */
    public String fieldProblem(String index, String field) {
        List<String> problems = new ArrayList<>();
        engine().fieldMapping(index, field).forEach((concrete, mapping) -> {
            if (!mapping.mapped()) {
                problems.add("index " + concrete + " has no field " + field + " (a search for an account finds nothing)");
            } else if (mapping.text()) {
                List<String> keywords = mapping.keywordSubfields().stream().map(sub -> field + "." + sub).toList();
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

    /** Deletes every document whose {@code field} holds one of the account ids (found first, then deleted by id). */
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
        Map<String, List<AccountDocuments.Owned>> found = new LinkedHashMap<>();
        if (byField.isEmpty() || accountIds.isEmpty()) {
            byField.forEach(index -> found.put(index, List.of()));
            return found;
        }
        List<SearchEngine.Search> searches = byField.stream().map(index -> new SearchEngine.Search(index,
                new DocQuery.Terms(fieldByIndex.get(index), accountIds), PAGE_SIZE, fieldByIndex.get(index))).toList();
        List<SearchEngine.Answer> answers = engine().searchAll(searches);
        for (int i = 0; i < searches.size(); i++) {
            SearchEngine.Search search = searches.get(i);
            SearchEngine.Answer answer = answers.get(i);
            if (answer.failure() != null) {
                throw new StoreException(STORE, "search " + search.index() + " failed: " + answer.failure(), null,
                        answer.failure()).at(search.index(), StoreOutcomes.none());
            }
            found.put(search.index(), answer.hits().size() >= PAGE_SIZE ? readToTheEnd(search)
                    : owners(answer.hits(), search.field()));
        }
        return found;
    }

    /** Every document a search finds with the account ids in its field, when its first page was full. */
    private List<AccountDocuments.Owned> readToTheEnd(SearchEngine.Search search) {
        List<AccountDocuments.Owned> all = new ArrayList<>();
        scroll(search, hits -> all.addAll(owners(hits, search.field())));
        return all;
    }

    /** Makes every write so far visible to searches (deletes included): before counting what is left. */
    public void refresh(String index) {
        engine().refresh(index);
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
        DocQuery own = field == null ? new DocQuery.Ids(accountIds) : new DocQuery.Terms(field, accountIds);
        DocQuery query = holding.isEmpty() ? own : new DocQuery.HoldingAny(own, holding);
        if (field == null) {
            engine().search(new SearchEngine.Search(index, query, accountIds.size(), null))
                    .forEach(h -> counts.merge(h.id(), 1L, Long::sum));
            return counts;
        }
        SearchEngine.Search search = new SearchEngine.Search(index, query, PAGE_SIZE, field);
        List<SearchEngine.Hit> page = engine().search(search);
        // more than a page: read to the end, so a dry run counts them all
        List<AccountDocuments.Owned> docs = page.size() >= PAGE_SIZE ? readToTheEnd(search) : owners(page, field);
        for (AccountDocuments.Owned doc : docs) { // a document shared with others counts too
            doc.owners().stream().distinct().filter(accountIds::contains).forEach(id -> counts.merge(id, 1L, Long::sum));
        }
        return counts;
    }

    /**
     * Every account id the index holds documents of — the document id, or the value of {@code field} — handed over in
     * batches of distinct ids (scrolling through the whole index).
     */
    public void accountIds(String index, String field, Consumer<List<String>> batch) {
        refresh(index);
        scroll(new SearchEngine.Search(index, new DocQuery.All(), PAGE_SIZE, field), hits -> {
            java.util.Set<String> ids = new java.util.LinkedHashSet<>();
            for (SearchEngine.Hit hit : hits) {
                if (field == null) {
                    ids.add(hit.id());
                } else {
                    ids.addAll(AccountDocuments.values(hit.source(), field));
                }
            }
            batch.accept(List.copyOf(ids));
        });
    }

    /** Every hit of a search, a page at a time, through a scroll that is cleared at the end. */
    private void scroll(SearchEngine.Search search, Consumer<List<SearchEngine.Hit>> consumer) {
        SearchEngine.Page page = engine().scroll(search);
        try {
            while (!page.hits().isEmpty()) {
                consumer.accept(page.hits());
                page = engine().scrollOn(search.index(), page.scrollId());
            }
        } finally {
            if (page.scrollId() != null) {
                engine().clearScroll(page.scrollId());
            }
        }
    }

    /** Each hit with the values of {@code field} in its source. */
    private static List<AccountDocuments.Owned> owners(List<SearchEngine.Hit> hits, String field) {
        return hits.stream().map(hit -> new AccountDocuments.Owned(hit.id(), AccountDocuments.values(hit.source(), field)))
                .toList();
    }

    /**
     * Deletes [index, document id, account id] in bulks, or, in an index of {@code scrubFields}, nulls those fields;
     * each item's outcome is merged into its index's account.
     */
    private void bulk(List<String[]> docs, Map<String, Map<String, TargetOutcome>> outcomesByIndex,
                      Map<String, List<String>> scrubFields) {
        for (int from = 0; from < docs.size(); from += BULK_SIZE) {
            List<String[]> slice = docs.subList(from, Math.min(docs.size(), from + BULK_SIZE));
            List<SearchEngine.Written> items = engine().bulk(slice.stream().map(d -> new SearchEngine.Write(d[0], d[1],
                    scrubFields.getOrDefault(d[0], List.of()))).toList());
            for (int i = 0; i < items.size(); i++) {
                String account = slice.get(i)[2];
                Map<String, TargetOutcome> outcomes = outcomesByIndex.get(slice.get(i)[0]);
                if (account != null && outcomes.containsKey(account)) {
                    outcomes.merge(account, outcome(items.get(i), scrubFields.containsKey(slice.get(i)[0])),
                            TargetOutcome::plus);
                }
            }
        }
    }

    /** A bulk item's outcome: failed with its error type, absent when gone (404, not_found) or unchanged (noop). */
    private static TargetOutcome outcome(SearchEngine.Written item, boolean scrubbed) {
        if (item.error() != null && item.status() != 404) {
            return TargetOutcome.failed(item.error());
        } else if (item.status() == 404 || "not_found".equals(item.result()) || "noop".equals(item.result())) {
            return TargetOutcome.absent();
        }
        return scrubbed ? TargetOutcome.scrubbed(1) : TargetOutcome.deleted(1);
    }

    @Override
    public synchronized void close() {
        if (engine != null) {
            engine.close();
        }
    }
}
