package org.accountpurge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.search.SearchServer;

/**
 * A search server of the local stack, from its Maven Central integ-test zip: Elasticsearch or OpenSearch. Both refuse
 * to run as root, so as root they run as 'nobody', who then owns their home and data.
 */
public final class SearchServerProcess {

    static final String ES_VERSION = System.getProperty("purge.stack.elasticsearch.version", "8.19.21");
    /** 2.19.x is the last line that runs on Java 17; a 3.x server is run on the Java 21+ the machine has. */
    static final String OS_VERSION = System.getProperty("purge.stack.opensearch.version", "2.19.6");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Path NEWER_JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private SearchServerProcess() {
    }

    /** The version the stack starts of {@code engine} unless told another. */
    public static String defaultVersion(SearchServer.Engine engine) {
        return engine == SearchServer.Engine.ELASTICSEARCH ? ES_VERSION : OS_VERSION;
    }

    /** Whether this machine can run {@code engine} at {@code version}: an OpenSearch 3.x needs a Java 21 or later. */
    public static boolean canRun(SearchServer.Engine engine, String version) {
        return !needsNewerJava(engine, version) || Runtime.version().feature() >= 21 || Files.isDirectory(NEWER_JAVA);
    }

    private static boolean needsNewerJava(SearchServer.Engine engine, String version) {
        return engine == SearchServer.Engine.OPENSEARCH && !version.startsWith("1.") && !version.startsWith("2.");
    }

    /**
     * The command prefix that runs a server as 'nobody' (as root), who is given its home (once) and its own folders
     * (only those: PostgreSQL initialises its data folder in the same run folder concurrently).
     */
    private static List<String> asNobody(Path home, List<Path> own) {
        Path marker = home.resolve(".owned-by-" + StackDirs.UNPRIVILEGED_UID);
        if (!Files.exists(marker)) {
            StackDirs.chownRecursively(home, StackDirs.UNPRIVILEGED_UID);
            try {
                Files.createFile(marker);
            } catch (IOException ignored) {
                // only an optimisation
            }
        }
        own.forEach(folder -> StackDirs.chownRecursively(folder, StackDirs.UNPRIVILEGED_UID));
        return List.of("setpriv", "--reuid=" + StackDirs.UNPRIVILEGED_UID, "--regid=" + StackDirs.UNPRIVILEGED_UID,
                "--clear-groups", "--");
    }

    /** A started server and where it answers. */
    record Started(ServerProcess process, String url) {
    }

    /** Starts {@code engine}'s server with its data under {@code runDir}, logging to {@code logDir}; waits until ready. */
    static Started start(SearchServer.Engine engine, String version, Path runDir, Path logDir,
                         java.util.function.Consumer<ServerProcess> started) {
        boolean elastic = engine == SearchServer.Engine.ELASTICSEARCH;
        String name = elastic ? "elasticsearch" : "opensearch";
        Path zip = MavenArtifacts.resolve("org." + name + ".distribution.integ-test-zip", name, version, "zip", logDir);
        Path home = StackDirs.unpackOnce(zip, name + "-" + version);
        boolean root = StackDirs.runningAsRoot();
        Path data = runDir.resolve(name + "-" + version + "-data");
        Path logs = runDir.resolve(name + "-" + version + "-logs");
        // its temporary files in the run folder, which goes with the stack: left to /tmp they stayed behind
        Path tmp = runDir.resolve(name + "-" + version + "-tmp");
        try {
            Files.createDirectories(data);
            Files.createDirectories(logs);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new StackException("Cannot create " + engine.label() + " data folders under " + runDir, e);
        }
        List<String> command = new ArrayList<>(root ? asNobody(home, List.of(data, logs, tmp)) : List.of());
        int httpPort = LocalStack.freePort();
        command.addAll(List.of("bash", home.resolve("bin/" + name).toString(),
                "-E", "discovery.type=single-node",
                "-E", "network.host=127.0.0.1",
                "-E", "http.port=" + httpPort,
                "-E", "transport.port=" + LocalStack.freePort(),
                "-E", "path.data=" + data,
                "-E", "path.logs=" + logs,
                "-E", "cluster.name=account-purge",
                "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
                "-E", "action.destructive_requires_name=false"));
        if (elastic) {
            command.addAll(List.of("-E", "xpack.security.enabled=false"));
        }
        String env = elastic ? "ES" : "OPENSEARCH";
        String javaHome = needsNewerJava(engine, version) && Runtime.version().feature() < 21
                && Files.isDirectory(NEWER_JAVA) ? NEWER_JAVA.toString() : System.getProperty("java.home");
        ServerProcess server = ServerProcess.start(engine.label(), command, Map.of(
                env + "_JAVA_HOME", javaHome,
                env + "_JAVA_OPTS", "-Xms512m -Xmx512m",
                env + "_TMPDIR", tmp.toString(),
                "CLI_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp,
                "HOME", root ? "/tmp" : System.getProperty("user.home")), home,
                logDir.resolve(version.equals(defaultVersion(engine)) ? name + ".log" : name + "-" + version + ".log"));
        started.accept(server);
        String url = "http://127.0.0.1:" + httpPort;
        server.awaitHttpOk(url + "/_cluster/health?wait_for_status=yellow&timeout=1s", START_TIMEOUT);
        return new Started(server, url);
    }
}
