package org.accountpurge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder per running stack under {@code cacheRoot/runs}, named after the owning JVM's pid, listing
 * the server pids it started. When a JVM is killed outright (no shutdown hook runs), the next stack
 * start finds its folder, stops the servers it left behind and removes their data.
 */
final class StaleRuns {

    private static final Logger log = LoggerFactory.getLogger(StaleRuns.class);

    private StaleRuns() {
    }

    static Path newRunDir() {
        Path dir = StackDirs.cacheRoot().resolve("runs")
                .resolve(ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new StackException("Cannot create run folder " + dir, e);
        }
    }

    static synchronized void record(Path runDir, long pid) {
        try {
            Files.writeString(runDir.resolve("server.pids"), pid + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("Cannot record server pid {} in {}", pid, runDir);
        }
    }

    static void reap() {
        Path runs = StackDirs.cacheRoot().resolve("runs");
        if (!Files.isDirectory(runs)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path dir : dirs.toList()) {
                long owner = Long.parseLong(dir.getFileName().toString().split("-")[0]);
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                for (long pid : recorded(dir)) {
                    ProcessHandle.of(pid).filter(StaleRuns::isOurServer).ifPresent(h -> {
                        log.warn("Stopping server pid {} left behind by a killed JVM ({})", pid, owner);
                        h.descendants().forEach(ProcessHandle::destroyForcibly);
                        h.destroyForcibly();
                    });
                }
                stopPostgres(dir.resolve("pgdata"));
                StackDirs.deleteRecursively(dir);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not reap stale stack runs under {}: {}", runs, e.toString());
        }
    }

    private static List<Long> recorded(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("server.pids")).stream().filter(s -> !s.isBlank())
                    .map(s -> Long.parseLong(s.trim())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void stopPostgres(Path dataDir) {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(pid).filter(StaleRuns::isOurServer).ifPresent(h -> {
                log.warn("Stopping PostgreSQL pid {} left behind by a killed JVM", pid);
                h.destroy();
            });
        } catch (IOException | RuntimeException e) {
            // no PostgreSQL in that run
        }
    }

    private static boolean isOurServer(ProcessHandle h) {
        Optional<String> cmd = h.info().commandLine();
        return cmd.map(c -> c.contains("elasticsearch") || c.contains("keycloak") || c.contains("quarkus")
                || c.contains("postgres")).orElse(true);
    }
}
