package org.accountpurge.seed;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/** Development tooling: creates and fills the reference tenant's indexes, and counts documents for tests. */
public final class SeedIndexes implements AutoCloseable {

    private static final int BULK_SIZE = 1000;

    private final RestClient restClient;
    private final ElasticsearchClient client;

    public SeedIndexes(String url) {
        this.restClient = RestClient.builder(HttpHost.create(url)).build();
        this.client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private static <T> T io(Call<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops and creates an index with the given field mappings (field name to type), one shard, no replica. */
    public void recreateIndex(String index, Map<String, String> fieldTypes) {
        io(() -> {
            if (client.indices().exists(e -> e.index(index)).value()) {
                client.indices().delete(d -> d.index(index));
            }
            client.indices().create(c -> c.index(index)
                    .settings(s -> s.numberOfShards("1").numberOfReplicas("0").refreshInterval(t -> t.time("1s")))
                    .mappings(m -> {
                        fieldTypes.forEach((field, type) -> m.properties(field, p -> switch (type) {
                            case "keyword" -> p.keyword(k -> k);
                            case "date" -> p.date(d -> d);
                            case "long" -> p.long_(l -> l);
                            case "boolean" -> p.boolean_(b -> b);
                            case "text+raw" -> p.text(t -> t.fields("raw", f -> f.keyword(k -> k)));
                            default -> p.text(t -> t);
                        }));
                        return m;
                    }));
            return null;
        });
    }

    /** Indexes documents (each map holds its id under "_id"), failing on the first item error. */
    public void bulkIndex(String index, List<Map<String, Object>> documents) {
        for (int from = 0; from < documents.size(); from += BULK_SIZE) {
            List<Map<String, Object>> slice = documents.subList(from, Math.min(documents.size(), from + BULK_SIZE));
            BulkRequest.Builder bulk = new BulkRequest.Builder();
            for (Map<String, Object> doc : slice) {
                Map<String, Object> source = new LinkedHashMap<>(doc);
                String id = (String) source.remove("_id");
                bulk.operations(op -> op.index(i -> i.index(index).id(id).document(source)));
            }
            BulkResponse response = io(() -> client.bulk(bulk.build()));
            for (BulkResponseItem item : response.items()) {
                if (item.error() != null) {
                    throw new IllegalStateException("indexing into " + index + " failed: " + item.error().type());
                }
            }
        }
    }

    public void refresh(String index) {
        io(() -> client.indices().refresh(r -> r.index(index)));
    }

    public boolean exists(String index) {
        return io(() -> client.indices().exists(e -> e.index(index)).value());
    }

    public long count(String index) {
        return io(() -> client.count(c -> c.index(index)).count());
    }

    /** Documents of {@code index} whose id is one of {@code ids}. */
    public long countByIds(String index, List<String> ids) {
        return io(() -> client.count(c -> c.index(index).query(q -> q.ids(i -> i.values(ids)))).count());
    }

    /** Documents of {@code index} whose id is one of {@code ids} and that hold the field {@code field}. */
    public long countByIdsHolding(String index, List<String> ids, String field) {
        return io(() -> client.count(c -> c.index(index).query(q -> q.bool(b -> b.filter(f -> f.ids(i -> i.values(ids)))
                .filter(f -> f.exists(e -> e.field(field)))))).count());
    }

    /** Documents of {@code index} whose {@code field} holds one of {@code values}. */
    public long countByField(String index, String field, List<String> values) {
        List<FieldValue> terms = values.stream().map(FieldValue::of).toList();
        return io(() -> client.count(c -> c.index(index)
                .query(q -> q.terms(t -> t.field(field).terms(v -> v.value(terms))))).count());
    }

    @Override
    public void close() {
        try {
            restClient.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
