package org.accountpurge.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --remote}: the worker processes of remote partitioning, each a JVM running {@code worker} with the
 * job's configuration file and overrides, counted by {@link CpuUse} as "worker N" while they live.
 */
final class BenchWorkers implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();

    /** Starts {@code n} workers and waits until each listens on the queue. */
    BenchWorkers(int n, Path config, Map<String, Object> overrides, Map<String, Object> environment) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, Long> pids = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
            overrides.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.accountpurge.cli.Main", "worker",
                    "--config", config.toString()));
            ProcessBuilder pb = new ProcessBuilder(command);
            environment.forEach((k, v) -> pb.environment().put(k, String.valueOf(v)));
            Path log = Files.createDirectories(Path.of("target/bench")).resolve("worker-" + i + ".log");
            Process worker = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            processes.add(worker);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("Worker: takes the partitions")) {
                if (!worker.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("worker " + i + " did not start: see " + log);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            pids.put("worker " + i, worker.pid());
        }
        CpuUse.watch(pids);
    }

    @Override
    public void close() throws InterruptedException {
        CpuUse.watch(Map.of());
        for (Process worker : processes) {
            worker.destroy();
        }
        for (Process worker : processes) {
            if (!worker.waitFor(60, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }
}
