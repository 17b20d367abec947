package org.accountpurge.store.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.accountpurge.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What answers at the search address, asked the way the real servers answer: OpenSearch's and Elasticsearch's
 * {@code GET /}, the Elasticsearch integ-test distribution's 405 with its product header, an old or unknown server.
 */
class SearchServerTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server answering {@code GET /} with {@code status} and {@code root}, and node info with {@code nodeVersion}. */
    private String serve(int status, String root, String productHeader, String nodeVersion) throws IOException {
        return serve(status, root, productHeader, nodeVersion, null);
    }

    /** ... answering 401 to a request without {@code authorization}, when given. */
    private String serve(int status, String root, String productHeader, String nodeVersion, String authorization)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            if (authorization != null && !authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            byte[] body = (exchange.getRequestURI().getPath().equals("/") ? root
                    : "{\"nodes\":{\"n1\":{\"version\":\"" + nodeVersion + "\"}}}").getBytes(StandardCharsets.UTF_8);
            if (productHeader != null) {
                exchange.getResponseHeaders().add("X-elastic-product", productHeader);
            }
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/") ? status : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static SearchServer detect(String url, SearchServer.Engine configured) {
        return SearchServer.detect(url, configured, null, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void openSearchSaysItsDistributionAndVersion() throws IOException {
        String url = serve(200, "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.19.6\"}}", null, "x");

        SearchServer found = detect(url, null);

        assertThat(found.engine()).isEqualTo(SearchServer.Engine.OPENSEARCH);
        assertThat(found.problem()).isNull();
        assertThat(found).hasToString("OpenSearch 2.19.6 (detected from GET /)");
    }

    @Test
    void elasticsearchThatRefusesGetRootIsToldByItsProductHeaderAndItsNodesVersion() throws IOException {
        String url = serve(405, "{\"error\":\"Incorrect HTTP method\"}", "Elasticsearch", "8.19.21");

        SearchServer found = detect(url, null);

        assertThat(found.problem()).isNull();
        assertThat(found).hasToString("Elasticsearch 8.19.21 (detected from its X-Elastic-Product header)");
    }

    @Test
    void anUnsupportedVersionIsRefusedWithItsNameAndVersion() throws IOException {
        String url = serve(200, "{\"version\":{\"number\":\"7.10.2\"},\"tagline\":\"You Know, for Search\"}", null, "x");

        SearchServer found = detect(url, null);

        assertThat(found.engine()).isEqualTo(SearchServer.Engine.ELASTICSEARCH);
        assertThat(found.problem()).isEqualTo("Elasticsearch 7.10.2 at purge.elasticsearch.url is not supported"
                + " (supported: " + SearchServer.supportedServers() + ")");
        assertThat(SearchServer.supportedServers()).isEqualTo("Elasticsearch 8.x, OpenSearch 2.x and 3.x");
        assertThat(detect(serve2("1.3.19"), null).problem()).startsWith("OpenSearch 1.3.19 at purge.elasticsearch.url"
                + " is not supported");
        assertThat(detect(serve2("4.0.0"), null).problem()).startsWith("OpenSearch 4.0.0 at purge.elasticsearch.url"
                + " is not supported");
        assertThat(detect(serve2("3.8.0"), null).problem()).isNull();
    }

    private String serve2(String openSearchVersion) throws IOException {
        stop();
        return serve(200, "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"" + openSearchVersion + "\"}}",
                null, "x");
    }

    @Test
    void aConfiguredEngineTheServerIsNotIsRefused() throws IOException {
        String url = serve(200, "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.19.6\"}}", null, "x");

        SearchServer found = detect(url, SearchServer.Engine.ELASTICSEARCH);

        assertThat(found.problem()).isEqualTo("purge.elasticsearch.engine is elasticsearch, but the server at"
                + " purge.elasticsearch.url is OpenSearch 2.19.6");
    }

    @Test
    void aServerThatCannotBeToldIsRefusedUnlessTheEngineIsConfigured() throws IOException {
        String url = serve(403, "{}", null, "2.19.6");

        assertThat(detect(url, null).problem()).isEqualTo("cannot tell which search server answers at"
                + " purge.elasticsearch.url (GET / answered 403); set purge.elasticsearch.engine to elasticsearch or"
                + " opensearch");
        SearchServer configured = detect(url, SearchServer.Engine.OPENSEARCH);
        assertThat(configured.problem()).isNull();
        assertThat(configured).hasToString("OpenSearch 2.19.6 (GET / answered 403; purge.elasticsearch.engine:"
                + " opensearch)");
    }

    @Test
    void aServerThatDoesNotAnswerFailsAsTheStore() throws IOException {
        String url = serve(200, "{}", null, "x");
        stop();
        server = null;

        assertThatThrownBy(() -> detect(url, null)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("elasticsearch: GET / failed: ");
    }

    @Test
    void aStoreRefusesEveryCallToAnUnsupportedServerWithoutMakingAClient() {
        SearchStore store = new SearchStore(() -> SearchServer.judge(SearchServer.Engine.ELASTICSEARCH, "9.1.0", null,
                "detected from GET /"), server -> {
                    throw new AssertionError("no client is made for an unsupported server");
                });

        assertThatThrownBy(() -> store.indexExists("user")).isInstanceOf(StoreException.class)
                .hasMessage("elasticsearch: Elasticsearch 9.1.0 at purge.elasticsearch.url is not supported (supported:"
                        + " Elasticsearch 8.x, OpenSearch 2.x and 3.x)");
    }

    @Test
    void aSecuredServerIsAskedWithTheConfiguredCredentials() throws IOException {
        String apiKey = "ApiKey c29tZS1pZDpzb21lLWtleQ==";
        String url = serve(200, "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.19.6\"}}", null, "x",
                apiKey);

        assertThat(SearchServer.detect(url, null, apiKey, Duration.ofSeconds(2), Duration.ofSeconds(5)))
                .hasToString("OpenSearch 2.19.6 (detected from GET /)");
        assertThat(detect(url, null).problem()).isEqualTo("the search server at purge.elasticsearch.url asks for"
                + " credentials (HTTP 401): set purge.elasticsearch.username and password, or api-key");
        assertThat(SearchServer.detect(url, SearchServer.Engine.OPENSEARCH, "ApiKey wrong", Duration.ofSeconds(2),
                Duration.ofSeconds(5)).problem()).isEqualTo("the search server at purge.elasticsearch.url refuses the"
                + " credentials (HTTP 401): set purge.elasticsearch.username and password, or api-key");
    }
}
