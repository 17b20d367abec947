package org.accountpurge.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server started as an operating-system process, its output in a log file. Stopping it stops
 * every descendant too (Elasticsearch's launcher forks the server JVM).
 */
final class ServerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            return new ServerProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new StackException("Cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Polls {@code url} until it answers 200, failing fast when the process dies; says every 10 s that it is still
     * waiting, and how long it may wait.
     */
    void awaitHttpOk(String url, Duration timeout) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        Instant nextNote = start.plusSeconds(10);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new StackException(name + " exited with code " + process.exitValue()
                        + " while starting; last lines of " + log + ":\n" + tail(log, 40));
            }
            try {
                HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("Interrupted while waiting for " + name, e);
            }
            if (Instant.now().isAfter(nextNote)) {
                nextNote = nextNote.plusSeconds(10);
                System.err.println("  " + name + ": starting, " + Duration.between(start, Instant.now()).toSeconds()
                        + " s of at most " + timeout.toSeconds() + " s (log: " + log + ")");
            }
            sleep(Duration.ofMillis(500));
        }
        throw new StackException(name + " did not become ready at " + url + " within " + timeout
                + "; last lines of " + log + ":\n" + tail(log, 40));
    }

    /** SIGTERM to the process and its descendants, then SIGKILL to whatever is left after the grace time. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        all.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plusSeconds(20);
        for (ProcessHandle handle : all) {
            long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                handle.onExit().get(left, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }
}
