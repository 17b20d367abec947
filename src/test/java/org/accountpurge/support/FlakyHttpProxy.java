package org.accountpurge.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP pass-through in front of a real server that can be told to stop answering (503 to everything, or no
 * answer at all) after a number of matching requests, and to heal: a store going down or freezing in the middle of
 * a run, without touching the job.
 */
public final class FlakyHttpProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding", "host",
            "expect", "upgrade", "keep-alive");

    private final String target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger matchingRequests = new AtomicInteger();
    private volatile java.util.regex.Pattern trigger = java.util.regex.Pattern.compile("POST .*/_bulk");
    private volatile int failAfter = Integer.MAX_VALUE;
    /** When set, only requests whose body names one of these count towards {@link #failAfter}. */
    private volatile List<String> mentioned;
    private volatile boolean down;
    private volatile boolean hang;
    private volatile java.util.regex.Pattern refused;
    private volatile int refusedStatus;
    private volatile java.util.concurrent.CountDownLatch healed = new java.util.concurrent.CountDownLatch(1);
    private volatile java.util.concurrent.CountDownLatch hanging = new java.util.concurrent.CountDownLatch(1);

    public FlakyHttpProxy(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "flaky-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answer the first {@code n} bulk requests from now, then let every request hang (no answer) until {@link #heal()}. */
    public void hangAfterBulkRequests(int n) {
        hangAfter("POST .*/_bulk", n);
    }

    /**
     * Answer every request until the {@code answered + 1}th Elasticsearch search or bulk request that names one of
     * {@code texts} (account ids) in its body; from that one on, nothing but 503 until {@link #heal()}. (The purge's
     * first such request for a chunk is its search for shared documents, before anything is removed: {@code
     * answered} 1 lets it through, so that Elasticsearch fails once the chunk's Keycloak users are deleted.)
     */
    public void failWhenMentioned(java.util.Collection<String> texts, int answered) {
        mentioned = List.copyOf(texts); // before the trigger: no request may count without it
        trigger = java.util.regex.Pattern.compile("POST .*/(_bulk|_msearch)");
        matchingRequests.set(0);
        failAfter = answered;
    }

    /** Like {@link #failWhenMentioned}, but from then on every request hangs until {@link #heal()}. */
    public void hangWhenMentioned(java.util.Collection<String> texts, int answered) {
        hangFromNowOn();
        failWhenMentioned(texts, answered);
    }

    /**
     * Answer the first {@code n} requests whose {@code METHOD path} matches {@code request} from now, then nothing
     * but 503 until {@link #heal()}.
     */
    public void failAfter(String request, int n) {
        mentioned = null;
        trigger = java.util.regex.Pattern.compile(request);
        matchingRequests.set(0);
        failAfter = n;
    }

    /**
     * Like {@link #failAfter}, but from then on every request hangs (no answer, as a frozen server) until
     * {@link #heal()}, after which the hanging requests go through.
     */
    public void hangAfter(String request, int n) {
        hangFromNowOn();
        failAfter(request, n);
    }

    private void hangFromNowOn() {
        hanging = new java.util.concurrent.CountDownLatch(1);
        hang = true;
    }

    /** Answers {@code status} (no body) to every request whose {@code METHOD path} matches, until {@link #heal()}. */
    public void refuse(String request, int status) {
        refusedStatus = status;
        refused = java.util.regex.Pattern.compile(request);
    }

    /**
     * Forwards the next {@code n} requests whose {@code METHOD path} matches, and answers each only after {@code
     * delay}: the server did the work, its answer comes too late (a client timing out never learns what happened).
     */
    public void answerLate(String request, int n, Duration delay) {
        late = java.util.regex.Pattern.compile(request);
        lateDelay = delay;
        lateLeft.set(n);
    }

    private volatile java.util.regex.Pattern late;
    private volatile Duration lateDelay = Duration.ZERO;
    private final AtomicInteger lateLeft = new AtomicInteger();

    /** From now on, counts the requests whose {@code METHOD path} matches (see {@link #counted()}). */
    public void count(String request) {
        countedRequests.set(0);
        counting = java.util.regex.Pattern.compile(request);
    }

    /** How many requests matched since {@link #count}. */
    public int counted() {
        return countedRequests.get();
    }

    private volatile java.util.regex.Pattern counting;
    private final AtomicInteger countedRequests = new AtomicInteger();

    /** Waits until a request hangs. */
    public boolean awaitHanging(Duration timeout) throws InterruptedException {
        return hanging.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void heal() {
        late = null;
        refused = null;
        mentioned = null;
        failAfter = Integer.MAX_VALUE;
        down = false;
        hang = false;
        healed.countDown();
        healed = new java.util.concurrent.CountDownLatch(1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            java.util.regex.Pattern counted = counting;
            if (counted != null && counted.matcher(exchange.getRequestMethod() + " " + path).matches()) {
                countedRequests.incrementAndGet();
            }
            java.util.regex.Pattern refusing = refused;
            if (refusing != null && refusing.matcher(exchange.getRequestMethod() + " " + path).matches()) {
                exchange.sendResponseHeaders(refusedStatus, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            List<String> naming = mentioned;
            if (trigger.matcher(exchange.getRequestMethod() + " " + path).matches() && (naming == null
                    || naming.stream().anyMatch(new String(body, java.nio.charset.StandardCharsets.UTF_8)::contains))
                    && matchingRequests.incrementAndGet() > failAfter) {
                down = true;
            }
            if (down && hang) {
                java.util.concurrent.CountDownLatch until = healed;
                hanging.countDown();
                try {
                    until.await(5, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (down) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            java.util.regex.Pattern answeringLate = late;
            if (answeringLate != null && answeringLate.matcher(exchange.getRequestMethod() + " " + path).matches()
                    && lateLeft.getAndDecrement() > 0) {
                try {
                    Thread.sleep(lateDelay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] out = response.body();
            boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || out.length == 0;
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : out.length);
            if (!noBody) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
