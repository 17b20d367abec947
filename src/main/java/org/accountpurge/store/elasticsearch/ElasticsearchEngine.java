package org.accountpurge.store.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Time;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.search.DocQuery;
import org.accountpurge.store.search.SearchEngine;
import org.accountpurge.store.search.SearchStore;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * {@link SearchEngine} on elasticsearch-java, for Elasticsearch 8. Every call goes through {@link #execute}, which turns
 * client and transport errors into {@link StoreException}.
 */
public final class ElasticsearchEngine implements SearchEngine {

    private static final Time KEEP_ALIVE = Time.of(t -> t.time("2m"));

    private final RestClient restClient;
    private final ElasticsearchClient client;

    /** @param authorization the {@code Authorization} header of every request, or null */
    public ElasticsearchEngine(String url, String authorization, Duration connectTimeout, Duration requestTimeout) {
        this.restClient = RestClient.builder(HttpHost.create(url))
                .setRequestConfigCallback(c -> c.setConnectTimeout((int) connectTimeout.toMillis())
                        .setSocketTimeout((int) requestTimeout.toMillis()))
                .setDefaultHeaders(authorization == null ? new org.apache.http.Header[0]
                        : new org.apache.http.Header[] {new org.apache.http.message.BasicHeader("Authorization",
                        authorization)})
                .build();
        this.client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private static <T> T execute(String what, Call<T> call) {
        try {
            return call.run();
        } catch (ElasticsearchException e) {
            String type = SearchEngine.errorType(e.status(), e.error().type());
            throw new StoreException(SearchStore.STORE, what + " failed: " + type, e, type);
        } catch (IOException e) {
            String type = errorType(e);
            throw new StoreException(SearchStore.STORE, what + " failed: " + type, e, type);
        }
    }

    /** {@code HTTP 503} for an answer with an error status and no error document (a gateway's), else the class. */
    private static String errorType(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.elasticsearch.client.ResponseException r) {
                return "HTTP " + r.getResponse().getStatusLine().getStatusCode();
            }
            if (t instanceof co.elastic.clients.transport.TransportException r && r.statusCode() > 0) {
                return "HTTP " + r.statusCode();
            }
        }
        return e.getClass().getSimpleName();
    }

    @Override
    public boolean indexExists(String index) {
        return execute("exists " + index, () -> client.indices().exists(e -> e.index(index)).value());
    }

    @Override
    public Map<String, FieldMapping> fieldMapping(String index, String field) {
        var response = execute("mapping of " + field + " in " + index,
                () -> client.indices().getFieldMapping(r -> r.index(index).fields(field)));
        Map<String, FieldMapping> byIndex = new LinkedHashMap<>();
        response.result().forEach((concrete, mappings) -> {
            var mapping = mappings.mappings().get(field);
            if (mapping == null || mapping.mapping().isEmpty()) {
                byIndex.put(concrete, new FieldMapping(false, false, List.of()));
                return;
            }
            boolean text = mapping.mapping().values().stream().anyMatch(p -> p.isText() || p.isMatchOnlyText());
            List<String> keywords = new ArrayList<>();
            mapping.mapping().values().stream().filter(p -> p.isText()).forEach(p -> p.text().fields().forEach(
                    (name, sub) -> {
                        if (sub.isKeyword() || sub.isConstantKeyword() || sub.isWildcard()) {
                            keywords.add(name);
                        }
                    }));
            byIndex.put(concrete, new FieldMapping(true, text, keywords));
        });
        return byIndex;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List<Answer> searchAll(List<Search> searches) {
        var response = execute("search " + searches.stream().map(Search::index).toList(), () -> client.msearch(m -> {
            for (Search search : searches) {
                m.searches(s -> s.header(h -> h.index(search.index())).body(b -> b.size(search.size())
                        .query(query(search.query())).source(src -> search.field() == null ? src.fetch(false)
                                : src.filter(f -> f.includes(search.field())))));
            }
            return m;
        }, Map.class));
        List<Answer> answers = new ArrayList<>();
        response.responses().forEach(item -> answers.add(item.isFailure()
                ? new Answer(List.of(), SearchEngine.errorType(item.failure().status(), item.failure().error().type()))
                : new Answer(hits(item.result().hits().hits()), null)));
        return answers;
    }

    @Override
    public List<Hit> search(Search search) {
        return hits(execute("search " + search.index(), () -> client.search(request(search, false), Map.class))
                .hits().hits());
    }

    @Override
    public Page scroll(Search search) {
        var first = execute("scroll " + search.index(), () -> client.search(request(search, true), Map.class));
        return new Page(hits(first.hits().hits()), first.scrollId());
    }

    @Override
    public Page scrollOn(String index, String scrollId) {
        var next = execute("scroll " + index, () -> client.scroll(s -> s.scrollId(scrollId).scroll(KEEP_ALIVE),
                Map.class));
        return new Page(hits(next.hits().hits()), next.scrollId());
    }

    @Override
    public void clearScroll(String scrollId) {
        try {
            client.clearScroll(c -> c.scrollId(scrollId));
        } catch (IOException | ElasticsearchException e) {
            // the scroll expires on its own
        }
    }

    private static SearchRequest request(Search search, boolean scroll) {
        return SearchRequest.of(s -> {
            s.index(search.index()).size(search.size()).query(query(search.query()))
                    .source(src -> search.field() == null ? src.fetch(false)
                            : src.filter(f -> f.includes(search.field())));
            return scroll ? s.scroll(KEEP_ALIVE) : s;
        });
    }

    @Override
    public void refresh(String index) {
        execute("refresh " + index, () -> client.indices().refresh(r -> r.index(index)));
    }

    @Override
    public List<Written> bulk(List<Write> writes) {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        writes.forEach(w -> bulk.operations(op -> w.nullFields().isEmpty()
                ? op.delete(del -> del.index(w.index()).id(w.id()))
                : op.update(u -> u.index(w.index()).id(w.id()).action(a -> a.doc(nulled(w.nullFields()))))));
        var response = execute("bulk " + writes.stream().map(Write::index).distinct().toList(),
                () -> client.bulk(bulk.build()));
        return response.items().stream().map(item -> new Written(item.status(), item.result(),
                item.error() == null ? null : SearchEngine.errorType(item.status(), item.error().type()))).toList();
    }

    /** The partial document that sets {@code fields} to null (no script: the integ-test distribution has none). */
    private static JsonData nulled(List<String> fields) {
        jakarta.json.JsonObjectBuilder doc = jakarta.json.Json.createObjectBuilder();
        fields.forEach(doc::addNull);
        return JsonData.of(doc.build());
    }

    @SuppressWarnings("rawtypes")
    private static List<Hit> hits(List<co.elastic.clients.elasticsearch.core.search.Hit<Map>> hits) {
        return hits.stream().map(h -> new Hit(h.id(), h.source() == null ? Map.of() : h.source())).toList();
    }

    private static Query query(DocQuery query) {
        if (query instanceof DocQuery.Terms t) {
            List<FieldValue> values = t.values().stream().map(FieldValue::of).toList();
            return Query.of(q -> q.terms(x -> x.field(t.field()).terms(v -> v.value(values))));
        } else if (query instanceof DocQuery.Ids i) {
            return Query.of(q -> q.ids(x -> x.values(i.ids())));
        } else if (query instanceof DocQuery.HoldingAny h) {
            return Query.of(q -> q.bool(b -> b.filter(query(h.own())).minimumShouldMatch("1")
                    .should(h.fields().stream().map(f -> Query.of(x -> x.exists(e -> e.field(f)))).toList())));
        }
        return Query.of(q -> q.matchAll(m -> m));
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
