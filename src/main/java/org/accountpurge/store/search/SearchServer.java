package org.accountpurge.store.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.accountpurge.store.StoreException;

/**
 * What answers at the search address: which engine, which version, and how that was found. Asked with plain HTTP before
 * any client is made, because each engine's client refuses the other's server (elasticsearch-java wants the
 * {@code X-Elastic-Product} header OpenSearch never sends).
 *
 * @param engine  the kind of server; null when it could not be told
 * @param version its version number ({@code 8.19.21}); null when unknown
 * @param how     how that was found, for the preflight's line ({@code detected from GET /}, {@code configured})
 * @param problem why the purge must not use it (null when it may): a kind or version not supported, or a mismatch
 */
public record SearchServer(Engine engine, String version, String how, String problem) {

    /** The engines, each with the major versions this tool is tested against. */
    public enum Engine {
        ELASTICSEARCH("Elasticsearch", List.of(8)),
        OPENSEARCH("OpenSearch", List.of(2, 3));

        private final String label;
        private final List<Integer> majors;

        Engine(String label, List<Integer> majors) {
            this.label = label;
            this.majors = majors;
        }

        public String label() {
            return label;
        }

        /** The supported versions in words: {@code Elasticsearch 8.x}. */
        public String supported() {
            return label + " " + String.join(" and ", majors.stream().map(m -> m + ".x").toList());
        }

        boolean supports(String version) {
            try {
                return majors.contains(Integer.parseInt(version.substring(0, version.indexOf('.'))));
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /** Every supported server in words, for messages and the docs. */
    public static String supportedServers() {
        return String.join(", ", java.util.Arrays.stream(Engine.values()).map(Engine::supported).toList());
    }

    @Override
    public String toString() {
        return (engine == null ? "an unknown search server" : engine.label()) + (version == null ? "" : " " + version)
                + " (" + how + ")";
    }

    /**
     * Asks the server at {@code url}: {@code GET /} names the engine and version (OpenSearch says
     * {@code "distribution": "opensearch"}); where that is refused (the Elasticsearch integ-test distribution answers
     * 405) the {@code X-Elastic-Product} header names Elasticsearch, and the local node's info gives the version.
     *
     * @param configured    the engine the configuration names, or null to take what is detected
     * @param authorization the {@code Authorization} header to send, or null
     * @throws StoreException when the server does not answer
     */
    public static SearchServer detect(String url, Engine configured, String authorization, Duration connectTimeout,
                                      Duration requestTimeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpResponse<String> root = get(http, base + "/", authorization, requestTimeout);
        if (root.statusCode() == 401) {
            return new SearchServer(configured, null, "GET / answered 401", "the search server at"
                    + " purge.elasticsearch.url " + (authorization == null ? "asks for credentials" : "refuses the"
                    + " credentials") + " (HTTP 401): set purge.elasticsearch.username and password, or api-key");
        }
        JsonNode version = root.statusCode() == 200 ? json(root.body()).path("version") : null;
        Engine found;
        String number;
        String how;
        if (version != null && version.hasNonNull("number")) {
            found = "opensearch".equalsIgnoreCase(version.path("distribution").asText(""))
                    ? Engine.OPENSEARCH : Engine.ELASTICSEARCH;
            number = version.get("number").asText();
            how = "detected from GET /";
        } else {
            boolean elastic = root.headers().firstValue("X-elastic-product").map("Elasticsearch"::equals).orElse(false);
            found = elastic ? Engine.ELASTICSEARCH : null;
            HttpResponse<String> node = get(http, base + "/_nodes/_local?filter_path=nodes.*.version",
                    authorization, requestTimeout);
            var nodes = node.statusCode() == 200 ? json(node.body()).path("nodes").elements() : null;
            number = nodes != null && nodes.hasNext() ? nodes.next().path("version").asText(null) : null;
            how = elastic ? "detected from its X-Elastic-Product header" : "GET / answered " + root.statusCode();
        }
        return judge(found, number, configured, how);
    }

    /** Whether the purge may use {@code found} at {@code version}, given what the configuration names. */
    static SearchServer judge(Engine found, String version, Engine configured, String how) {
        String said = configured == null ? how : how + "; purge.elasticsearch.engine: "
                + configured.name().toLowerCase(Locale.ROOT);
        if (found == null && configured == null) {
            return new SearchServer(null, version, how, "cannot tell which search server answers at"
                    + " purge.elasticsearch.url (" + how + "); set purge.elasticsearch.engine to elasticsearch or"
                    + " opensearch");
        }
        if (found != null && configured != null && found != configured) {
            return new SearchServer(found, version, said, "purge.elasticsearch.engine is "
                    + configured.name().toLowerCase(Locale.ROOT) + ", but the server at purge.elasticsearch.url is "
                    + found.label() + (version == null ? "" : " " + version));
        }
        Engine engine = found != null ? found : configured;
        if (version == null || !engine.supports(version)) {
            return new SearchServer(engine, version, said, engine.label() + " " + (version == null ? "of unknown version"
                    : version) + " at purge.elasticsearch.url is not supported (supported: " + supportedServers() + ")");
        }
        return new SearchServer(engine, version, said, null);
    }

    private static HttpResponse<String> get(HttpClient http, String url, String authorization, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StoreException(SearchStore.STORE, "GET " + URI.create(url).getPath() + " failed: "
                    + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(SearchStore.STORE, "interrupted asking the search server what it is", e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return new ObjectMapper().readTree(body);
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }
}
