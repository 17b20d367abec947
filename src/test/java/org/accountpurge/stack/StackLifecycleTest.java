package org.accountpurge.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The stack as an operator uses it: started by the command line in its own JVM, all three servers answer,
 * and a SIGTERM (what Ctrl-C and a CI time-out send) leaves no server process behind.
 */
@Order(1)
class StackLifecycleTest {

    private static final Pattern READY = Pattern.compile(
            "STACK READY StackEndpoints\\[postgres=(\\S+), elasticsearch=(\\S+), keycloak=(\\S+)] pids=\\[(.*)]");
    private static final Pattern EXPORT = Pattern.compile("((?:PURGE|DEV)_[A-Z_]+)='([^']*)'");

    @Test
    void startsAllServersAndStopsEveryProcessOnSigterm() throws Exception {
        // given the temporary files of earlier Elasticsearch launches (issue 24: each stop left its own behind)
        java.util.Set<String> tmpBefore = serverTempFiles();
        // and the stack started from the command line in a separate JVM
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process cli = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.dev.DevMain", "stack").redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        java.util.Map<String, String> exports = new java.util.HashMap<>();
        String[] urls = null;
        // drain the child's output in the background so it never blocks on a full pipe
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(cli.getInputStream()))) {
                out.lines().forEach(lines::add);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // child gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline && (cli.isAlive() || !lines.isEmpty())) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                seen.add(line);
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    urls = new String[] {m.group(1), m.group(2), m.group(3)};
                    Arrays.stream(m.group(4).split(",\\s*")).map(Long::parseLong).forEach(pids::add);
                }
                Matcher export = EXPORT.matcher(line);
                while (line.startsWith("export ") && export.find()) {
                    exports.put(export.group(1), export.group(2));
                }
                if (line.startsWith("# Ctrl-C")) {
                    break;
                }
            }
            assertThat(urls).as("the stack printed its endpoints; it said:%n%s", String.join("\n", seen)).isNotNull();

            // then it printed, ready to paste, how to connect to each server, and every server answers with that
            assertThat(exports).containsKeys("PURGE_PG_URL", "PURGE_PG_USER", "PURGE_PG_PASSWORD", "PURGE_ES_URL",
                    "PURGE_KC_URL", "DEV_KC_ADMIN_USER", "DEV_KC_ADMIN_PASSWORD");
            assertThat(exports.get("PURGE_PG_URL")).isEqualTo(urls[0]);
            try (Connection c = DriverManager.getConnection(exports.get("PURGE_PG_URL"), exports.get("PURGE_PG_USER"),
                    exports.get("PURGE_PG_PASSWORD"))) {
                assertThat(c.isValid(5)).isTrue();
            }
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(exports.get("PURGE_ES_URL") + "/_cluster/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).contains("account-purge");
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(exports.get("PURGE_KC_URL")
                    + "/realms/master/protocol/openid-connect/token")).header("Content-Type",
                    "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                    "grant_type=password&client_id=admin-cli&username=" + exports.get("DEV_KC_ADMIN_USER")
                            + "&password=" + exports.get("DEV_KC_ADMIN_PASSWORD"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            assertThat(pids).hasSizeGreaterThanOrEqualTo(4);

            // when the JVM gets SIGTERM (through its handle: Process.destroy() also closes its output, and what it says
            // when it stops would be lost)
            cli.toHandle().destroy();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // then it stops quietly: exit code 0 (Maven's exec reported 143 as an error, with a stack trace), saying so
            assertThat(cli.exitValue()).isZero();
            drain.join(10_000);
            List<String> after = new ArrayList<>(lines);
            assertThat(after).contains("Stack stopped: every server ended, its run folder removed.");
            assertThat(after).noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
        } finally {
            cli.destroyForcibly();
        }

        // then no server process is left
        assertThat(stillAlive(pids, Duration.ofSeconds(30))).as("server processes still running after SIGTERM").isEmpty();
        // and no temporary file of its servers is left in /tmp
        assertThat(serverTempFiles()).as("Elasticsearch's temporary files in /tmp").isSubsetOf(tmpBefore);

        // and the generated Keycloak admin password went to the terminal only, into no log file
        try (var logs = java.nio.file.Files.list(Path.of("target/stack"))) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                assertThat(java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(log.toString()).doesNotContain(exports.get("DEV_KC_ADMIN_PASSWORD"));
            }
        }
    }

    @Test
    void aStackWhoseStarterIsKilledStopsWithIt() throws Exception {
        // given the stack started by another process, as Maven starts it with -Pdev (here a shell)
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process starter = new ProcessBuilder("sh", "-c", "\"$0\" -cp \"$1\" org.accountpurge.dev.DevMain stack; exit 0",
                javaBin, System.getProperty("java.class.path")).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(starter.getInputStream()))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    Arrays.stream(m.group(4).split(",\\s*")).map(Long::parseLong).forEach(pids::add);
                }
                if (line.startsWith("# Ctrl-C")) {
                    break;
                }
            }
            assertThat(pids).as("the stack started").hasSizeGreaterThanOrEqualTo(4);

            // when the starter is killed outright (issue 24: Maven killed with SIGTERM left every server running)
            starter.toHandle().destroyForcibly();
        } finally {
            starter.destroyForcibly();
        }

        // then the stack's JVM and every server end with it
        assertThat(stillAlive(pids, Duration.ofSeconds(60))).as("server processes still running after their starter"
                + " was killed").isEmpty();
    }

    /** The processes of {@code pids} still running once they all ended, or {@code patience} passed. */
    private static List<Long> stillAlive(List<Long> pids, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        List<Long> alive;
        do {
            alive = pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).toList();
            if (!alive.isEmpty()) {
                Thread.sleep(500);
            }
        } while (!alive.isEmpty() && System.nanoTime() < deadline);
        return alive;
    }

    /** Elasticsearch's temporary folders and its launcher's flag files in the system's temporary folder. */
    private static java.util.Set<String> serverTempFiles() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("elasticsearch-") || n.startsWith("final-flags"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }
}
