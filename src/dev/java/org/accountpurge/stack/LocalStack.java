package org.accountpurge.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.accountpurge.store.search.SearchServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts (and stops) the real servers the purge talks to: PostgreSQL (embedded binaries), Elasticsearch or OpenSearch
 * (integ-test-zip, {@link SearchServerProcess}) and Keycloak (quarkus dist, on the same PostgreSQL), all from Maven Central, on free
 * loopback ports, in parallel. Development tooling only (demo, tests, benchmark): it never uses servers it did not
 * start, and reads none of the purge's {@code PURGE_*} variables.
 *
 * <p>{@link #close()} stops every server with all its child processes; a shutdown hook does the same when
 * the JVM exits (normal end, failed test, Ctrl-C), and {@link StaleRuns} removes servers of a JVM that
 * was killed outright the next time a stack starts.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    public static final String KC_VERSION = System.getProperty("purge.stack.keycloak.version", "26.7.3");
    public static final String TENANT_DATABASE = "tenant";
    private static final String KEYCLOAK_DATABASE = "keycloak";
    private static final Duration KC_START_TIMEOUT = Duration.ofMinutes(5);

    private final Path logDir;
    private final SearchServer.Engine search;
    /** Search servers started beside the stack's own, by engine and version ({@code OPENSEARCH 2.19.6}), to their url. */
    private final Map<String, String> extraSearch = new java.util.HashMap<>();
    private final Path runDir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "local-stack-shutdown");
    private volatile StackEndpoints endpoints;
    private volatile boolean closed;

    private LocalStack(Path logDir, SearchServer.Engine search) {
        this.logDir = logDir;
        this.search = search;
        this.runDir = StaleRuns.newRunDir();
    }

    /**
     * Starts the stack, logging server output to files under {@code logDir} (e.g. {@code target/stack}), with the
     * search server {@code -Dpurge.stack.search} names (elasticsearch, the default, or opensearch).
     */
    public static LocalStack start(Path logDir) {
        return start(logDir, SearchServer.Engine.valueOf(System.getProperty("purge.stack.search", "elasticsearch")
                .toUpperCase(java.util.Locale.ROOT)));
    }

    /** Starts the stack with {@code search} as its search server. */
    public static LocalStack start(Path logDir, SearchServer.Engine search) {
        StaleRuns.reap();
        LocalStack stack = new LocalStack(logDir, search);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public StackEndpoints endpoints() {
        return endpoints;
    }

    /**
     * The endpoints, after checking that this stack is still up and that every server behind them is one it started
     * (alive, on loopback): what tooling that drops and recreates data (the seeder) asks for, so that it can never
     * reach a real platform.
     */
    public StackEndpoints ownServers() {
        return ownServers(endpoints.search());
    }

    /** {@link #ownServers()} with {@code search}'s server, once started ({@link #endpoints(SearchServer.Engine)}). */
    public synchronized StackEndpoints ownServers(SearchServer.Engine search) {
        if (closed || endpoints == null || (search != endpoints.search()
                && !extraSearch.containsKey(search + " " + SearchServerProcess.defaultVersion(search)))) {
            throw new StackException("the local stack is not running", null);
        }
        for (AutoCloseable c : started) {
            boolean alive = c instanceof ServerProcess server
                    ? ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false)
                    : !(c instanceof PostgresServer postgres) || !postgres.pids().isEmpty();
            if (!alive) {
                throw new StackException("a server of the local stack is gone: " + c, null);
            }
        }
        StackEndpoints own = endpoints(search);
        for (String url : List.of(own.jdbcUrl(), own.elasticsearchUrl(), own.keycloakUrl())) {
            if (!url.contains("//127.0.0.1:")) {
                throw new StackException("refusing a store the local stack did not start: " + url, null);
            }
        }
        return own;
    }

    /** Process ids of the servers this stack started (and their descendants), for leak checks. */
    public List<Long> serverPids() {
        List<Long> pids = new ArrayList<>();
        for (AutoCloseable c : started) {
            if (c instanceof ServerProcess p) {
                pids.add(p.pid());
                ProcessHandle.of(p.pid()).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
            } else if (c instanceof PostgresServer p) {
                pids.addAll(p.pids());
            }
        }
        return pids;
    }

    /**
     * Freezes a server of this stack ("Elasticsearch" or "Keycloak") with SIGSTOP, process and descendants: it keeps
     * its sockets open and accepts connections, but answers nothing, like a server stuck in a long GC or a frozen VM.
     * Closing the returned handle thaws it (SIGCONT).
     */
    public AutoCloseable freeze(String server) {
        List<String> pids = new ArrayList<>();
        for (AutoCloseable c : started) {
            if (c instanceof ServerProcess p && p.toString().equals(server)) {
                pids.add(String.valueOf(p.pid()));
                ProcessHandle.of(p.pid()).ifPresent(h -> h.descendants().forEach(d -> pids.add(String.valueOf(d.pid()))));
            }
        }
        if (pids.isEmpty()) {
            throw new StackException("no server named " + server + " in this stack", null);
        }
        signal("-STOP", pids);
        return () -> signal("-CONT", pids);
    }

    private static void signal(String signal, List<String> pids) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        command.addAll(pids);
        try {
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new StackException(String.join(" ", command) + " exited with " + exit, null);
            }
        } catch (IOException e) {
            throw new StackException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private void startAll() {
        Instant begin = Instant.now();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new StackException("Cannot create log folder " + logDir, e);
        }
        CompletableFuture<String> es = CompletableFuture.supplyAsync(() -> startSearch(search,
                SearchServerProcess.defaultVersion(search)));
        CompletableFuture<Pg> pg = CompletableFuture.supplyAsync(this::startPostgres);
        CompletableFuture<String[]> kc = pg.thenApply(this::startKeycloak);
        try {
            Pg p = pg.join();
            String[] k = kc.join();
            endpoints = new StackEndpoints(p.url, p.user, p.password, search, es.join(), k[0], k[1], k[2]);
        } catch (CompletionException e) {
            // let the other servers finish starting so close() stops them too
            CompletableFuture.allOf(es, pg, kc).handle((v, t) -> null).join();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        log.info("Local stack ready in {} s: {}", Duration.between(begin, Instant.now()).toSeconds(), endpoints);
    }

    private record Pg(String url, String user, String password, Integer port) {
    }

    private Pg startPostgres() {
        PostgresServer server = PostgresServer.start(runDir.resolve("pgdata"), freePort(), logDir.resolve("postgres.log"));
        register(server);
        String admin = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, "postgres", "postgres");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + TENANT_DATABASE);
            s.execute("CREATE DATABASE " + KEYCLOAK_DATABASE);
        } catch (SQLException e) {
            throw new StackException("Cannot create the databases on the local PostgreSQL", e);
        }
        return new Pg("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + TENANT_DATABASE,
                "postgres", "postgres", server.port());
    }

    /** Starts a search server of {@code engine}, registered with the stack (stopped with it). */
    private String startSearch(SearchServer.Engine engine, String version) {
        return SearchServerProcess.start(engine, version, runDir, logDir, server -> {
            register(server);
            StaleRuns.record(runDir, server.pid());
        }).url();
    }

    /**
     * The endpoints with {@code engine}'s search server in place of the stack's own: started on first ask (a second
     * search server beside the first), so that a test can run the same purge against either engine.
     */
    public StackEndpoints endpoints(SearchServer.Engine engine) {
        return endpoints(engine, SearchServerProcess.defaultVersion(engine));
    }

    /** ... of that version ({@code 3.8.0}): a server of its own beside the stack's, started on first ask. */
    public synchronized StackEndpoints endpoints(SearchServer.Engine engine, String version) {
        if (engine == endpoints.search() && version.equals(SearchServerProcess.defaultVersion(engine))) {
            return endpoints;
        }
        if (closed) {
            throw new StackException("the local stack is not running", null);
        }
        String url = extraSearch.computeIfAbsent(engine + " " + version, key -> startSearch(engine, version));
        return endpoints.withSearch(engine, url);
    }

    private String[] startKeycloak(Pg pg) {
        Path zip = MavenArtifacts.resolve("org.keycloak", "keycloak-quarkus-dist", KC_VERSION, "zip", logDir);
        Path home = StackDirs.unpackOnce(zip, "keycloak-" + KC_VERSION);
        int httpPort = freePort();
        String adminPassword = randomSecret();
        String dbUrl = pg.port != null
                ? "jdbc:postgresql://127.0.0.1:" + pg.port + "/" + KEYCLOAK_DATABASE
                : pg.url;
        List<String> command = List.of("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + httpPort, "--http-management-port=" + freePort(),
                "--db=postgres", "--db-url=" + dbUrl, "--db-username=" + pg.user, "--db-password=" + pg.password,
                "--cache=local");
        ServerProcess kc = ServerProcess.start("Keycloak", command, Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g",
                "KC_BOOTSTRAP_ADMIN_USERNAME", "admin",
                "KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword), home, logDir.resolve("keycloak.log"));
        register(kc);
        StaleRuns.record(runDir, kc.pid());
        String url = "http://127.0.0.1:" + httpPort;
        kc.awaitHttpOk(url + "/realms/master", KC_START_TIMEOUT);
        return new String[] {url, "admin", adminPassword};
    }

    private synchronized void register(AutoCloseable server) {
        started.add(server);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Keycloak before PostgreSQL (it uses it); reverse start order.
        List<AutoCloseable> reverse = new ArrayList<>(started);
        java.util.Collections.reverse(reverse);
        for (AutoCloseable server : reverse) {
            try {
                server.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", server, e.toString());
            }
        }
        StackDirs.deleteRecursively(runDir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("No free loopback port", e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The embedded PostgreSQL, adapted to the stack's life cycle. */
    static final class PostgresServer implements AutoCloseable {
        private final EmbeddedPostgres postgres;
        private final Path dataDir;

        private PostgresServer(EmbeddedPostgres postgres, Path dataDir) {
            this.postgres = postgres;
            this.dataDir = dataDir;
        }

        static PostgresServer start(Path dataDir, int port, Path logFile) {
            try {
                Files.createDirectories(logFile.getParent());
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(true)
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("max_connections", "200")
                        // statements slower than a second are logged with their plan (target/stack/postgres.log)
                        .setServerConfig("session_preload_libraries", "auto_explain")
                        .setServerConfig("auto_explain.log_min_duration", "1000")
                        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
                PostgresServer server = new PostgresServer(pg, dataDir);
                return server;
            } catch (IOException e) {
                throw new StackException("PostgreSQL did not start; last lines of " + logFile + ":\n"
                        + ServerProcess.tail(logFile, 40), e);
            }
        }

        int port() {
            return postgres.getPort();
        }

        List<Long> pids() {
            try {
                String first = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
                long pid = Long.parseLong(first);
                List<Long> pids = new ArrayList<>();
                pids.add(pid);
                ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
                return pids;
            } catch (IOException | RuntimeException e) {
                return List.of();
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }

        @Override
        public String toString() {
            return "PostgreSQL";
        }
    }
}
