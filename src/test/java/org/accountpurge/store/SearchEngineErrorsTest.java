package org.accountpurge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import org.accountpurge.store.elasticsearch.ElasticsearchEngine;
import org.accountpurge.store.opensearch.OpenSearchEngine;
import org.accountpurge.store.search.DocQuery;
import org.accountpurge.store.search.SearchEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A search server that fails a call as a whole fails it the same way through either client, in the words the retry
 * policy reads ({@link ErrorClass}): a load balancer's 503 without a JSON body is {@code HTTP 503} (transient, retried),
 * a server that does not answer in time is a timeout, one nobody listens on a refused connection.
 */
class SearchEngineErrorsTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(int status, String body, long delayMillis) throws IOException {
        return serve(status, body, delayMillis, null);
    }

    /** A server answering every request so; when {@code authorization} is given, 401 to a request without it. */
    private String serve(int status, String body, long delayMillis, String authorization) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", body.startsWith("{") ? "application/json" : "text/html");
            exchange.getResponseHeaders().add("X-elastic-product", "Elasticsearch");
            boolean refused = authorization != null
                    && !authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(refused ? 401 : status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static SearchEngine engine(String kind, String url, String authorization) {
        BiFunction<String, Duration, SearchEngine> make = kind.equals("opensearch")
                ? (u, t) -> new OpenSearchEngine(u, authorization, Duration.ofSeconds(1), t)
                : (u, t) -> new ElasticsearchEngine(u, authorization, Duration.ofSeconds(1), t);
        return make.apply(url, Duration.ofSeconds(1));
    }

    private static String failure(String kind, String url) {
        return failure(kind, url, null);
    }

    private static String failure(String kind, String url, String authorization) {
        try (SearchEngine engine = engine(kind, url, authorization)) {
            StoreException e = catchThrowableOfType(StoreException.class, () -> engine.searchAll(List.of(
                    new SearchEngine.Search("user", new DocQuery.Terms("userId", List.of("a")), 10, "userId"))));
            assertThat(e).as("a failed call").isNotNull();
            assertThat(e.store()).isEqualTo("elasticsearch");
            return e.errorType();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void aGatewayThatIsDownIsAnHttpStatusAndRetried(String kind) throws IOException {
        String url = serve(503, "<html>503 Service Unavailable</html>", 0);

        String error = failure(kind, url);

        assertThat(error).isEqualTo("HTTP 503");
        assertThat(ErrorClass.isTransient(error)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void aRequestTheServerDoesNotAnswerInTimeIsATimeoutAndRetried(String kind) throws IOException {
        String url = serve(200, "{}", 3_000);

        String error = failure(kind, url);

        assertThat(ErrorClass.isTransient(error)).as(error).isTrue();
        assertThat(ErrorClass.isUnanswered(error)).as(error).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void aServerNobodyListensOnIsARefusedConnectionAndRetried(String kind) throws IOException {
        String url = serve(200, "{}", 0);
        stop();
        server = null;

        String error = failure(kind, url);

        assertThat(ErrorClass.isTransient(error)).as(error).isTrue();
        assertThat(ErrorClass.isUnanswered(error)).as(error).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void everyRequestCarriesTheConfiguredCredentials(String kind) throws IOException {
        // given a secured server: 401 without the credentials, and (to tell them apart) 503 with them
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("purge:s3cret".getBytes(
                StandardCharsets.UTF_8));
        String url = serve(503, "<html>busy</html>", 0, basic);

        // then a client without them is refused, and one with them is let in (and answered 503)
        assertThat(failure(kind, url)).isEqualTo("HTTP 401");
        assertThat(failure(kind, url, basic)).isEqualTo("HTTP 503");
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void anUnavailableClusterIsRetriedAndARefusedRequestIsNot(String kind) throws IOException {
        // given a cluster that answers 503 with its error document (a block while it recovers)
        String url = serve(503, "{\"error\":{\"type\":\"cluster_block_exception\",\"reason\":\"blocked\"},"
                + "\"status\":503}", 0);

        // then its status is kept (the client may keep its type too), and it is retried
        String unavailable = failure(kind, url);
        assertThat(unavailable).startsWith("HTTP 503");
        assertThat(ErrorClass.isTransient(unavailable)).isTrue();

        // and a request it refuses (400, its error document) is the type alone: not retried
        stop();
        url = serve(400, "{\"error\":{\"type\":\"parsing_exception\",\"reason\":\"bad\"},\"status\":400}", 0);
        String refused = failure(kind, url);
        assertThat(refused).isEqualTo("parsing_exception");
        assertThat(ErrorClass.isTransient(refused)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"elasticsearch", "opensearch"})
    void aSearchOfAMultiSearchThatTheClusterCannotServeIsRetried(String kind) throws IOException {
        // given a multi-search whose one search fails with 503 (a shard unavailable) inside a 200 answer
        String url = serve(200, "{\"took\":1,\"responses\":[{\"error\":{\"type\":\"unavailable_shards_exception\","
                + "\"reason\":\"x\"},\"status\":503}]}", 0);

        // then that search's failure keeps its status and type, and is retried
        try (SearchEngine engine = engine(kind, url, null)) {
            List<SearchEngine.Answer> answers = engine.searchAll(List.of(new SearchEngine.Search("user",
                    new DocQuery.Terms("userId", List.of("a")), 10, "userId")));
            assertThat(answers).extracting(SearchEngine.Answer::failure)
                    .containsExactly("HTTP 503 unavailable_shards_exception");
            assertThat(ErrorClass.isTransient(answers.get(0).failure())).isTrue();
        }
    }
}
