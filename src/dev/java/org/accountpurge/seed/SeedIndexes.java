package org.accountpurge.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Development tooling: creates and fills the reference tenant's indexes, and counts documents for tests. Plain HTTP in
 * the requests Elasticsearch and OpenSearch both answer, so that one seeder serves either engine.
 */
public final class SeedIndexes implements AutoCloseable {

    private static final int BULK_SIZE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public SeedIndexes(String url) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Drops and creates an index with the given field mappings (field name to type), one shard, no replica. */
    public void recreateIndex(String index, Map<String, String> fieldTypes) {
        if (exists(index)) {
            send("DELETE", "/" + index, null, "application/json");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        fieldTypes.forEach((field, type) -> properties.put(field, switch (type) {
            case "keyword", "date", "long", "boolean" -> Map.of("type", type);
            case "text+raw" -> Map.of("type", "text", "fields", Map.of("raw", Map.of("type", "keyword")));
            default -> Map.of("type", "text");
        }));
        send("PUT", "/" + index, json(Map.of(
                "settings", Map.of("number_of_shards", 1, "number_of_replicas", 0, "refresh_interval", "1s"),
                "mappings", Map.of("properties", properties))), "application/json");
    }

    /** Indexes documents (each map holds its id under "_id"), failing on the first item error. */
    public void bulkIndex(String index, List<Map<String, Object>> documents) {
        for (int from = 0; from < documents.size(); from += BULK_SIZE) {
            StringBuilder body = new StringBuilder();
            for (Map<String, Object> doc : documents.subList(from, Math.min(documents.size(), from + BULK_SIZE))) {
                Map<String, Object> source = new LinkedHashMap<>(doc);
                String id = (String) source.remove("_id");
                body.append(json(Map.of("index", Map.of("_index", index, "_id", id)))).append('\n')
                        .append(json(source)).append('\n');
            }
            JsonNode response = send("POST", "/_bulk", body.toString(), "application/x-ndjson");
            for (JsonNode item : response.path("items")) {
                JsonNode error = item.path("index").path("error");
                if (!error.isMissingNode()) {
                    throw new IllegalStateException("indexing into " + index + " failed: " + error.path("type").asText());
                }
            }
        }
    }

    public void refresh(String index) {
        send("POST", "/" + index + "/_refresh", null, "application/json");
    }

    public boolean exists(String index) {
        return status("HEAD", "/" + index) == 200;
    }

    public long count(String index) {
        return count(index, Map.of("match_all", Map.of()));
    }

    /** Documents of {@code index} whose id is one of {@code ids}. */
    public long countByIds(String index, List<String> ids) {
        return count(index, Map.of("ids", Map.of("values", ids)));
    }

    /** Documents of {@code index} whose id is one of {@code ids} and that hold the field {@code field}. */
    public long countByIdsHolding(String index, List<String> ids, String field) {
        return count(index, Map.of("bool", Map.of("filter", List.of(Map.of("ids", Map.of("values", ids)),
                Map.of("exists", Map.of("field", field))))));
    }

    /** Documents of {@code index} whose {@code field} holds one of {@code values}. */
    public long countByField(String index, String field, List<String> values) {
        return count(index, Map.of("terms", Map.of(field, values)));
    }

    private long count(String index, Map<String, Object> query) {
        return send("POST", "/" + index + "/_count", json(Map.of("query", query)), "application/json")
                .path("count").asLong();
    }

    private int status(String method, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + path)).method(method,
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String path, String body, String type) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofMinutes(2)).header("Content-Type", type)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // nothing to release: java.net.http's client is closed with its JVM
    }
}
