package org.accountpurge.dev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.accountpurge.stack.LocalStack;

/**
 * CPU time of each server of the local stack and of this JVM (from /proc: user + system), to tell where the machine's
 * cores went during a measurement. Linux only; empty elsewhere.
 */
final class CpuUse {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    /** Suffix of the entries that hold a Java process's JIT compiler threads' share. */
    private static final String JIT = " JIT";

    private CpuUse() {
    }

    /** Seconds of CPU used so far, per server ("keycloak", "elasticsearch" or "opensearch", "postgres") and "purge JVM". */
    static Map<String, Double> now(LocalStack stack) {
        return now(stack, false);
    }

    /** Other processes to count, by name (the benchmark's worker processes); none by default. */
    private static volatile Map<String, Long> watched = Map.of();

    static void watch(Map<String, Long> processes) {
        watched = Map.copyOf(processes);
    }

    /**
     * ... and with {@code jit}, per Java process also "<name> JIT": the CPU of its JIT compiler threads (C1, C2),
     * part of the process's figure.
     */
    static Map<String, Double> now(LocalStack stack, boolean jit) {
        Map<String, Double> seconds = new TreeMap<>();
        List<Long> pids = new ArrayList<>(stack.serverPids());
        for (long pid : pids) {
            String name = classify(pid);
            if (name != null) {
                seconds.merge(name, cpu(Path.of("/proc", Long.toString(pid))), Double::sum);
                if (jit) {
                    compiling(pid).ifPresent(s -> seconds.merge(name + JIT, s, Double::sum));
                }
            }
        }
        watched.forEach((name, pid) -> {
            if (Files.isDirectory(Path.of("/proc", Long.toString(pid)))) {
                seconds.put(name, cpu(Path.of("/proc", Long.toString(pid))));
            }
        });
        long self = ProcessHandle.current().pid();
        seconds.put("purge JVM", cpu(Path.of("/proc", Long.toString(self))));
        if (jit) {
            compiling(self).ifPresent(s -> seconds.put("purge JVM" + JIT, s));
        }
        return seconds;
    }

    /** What each used between two readings of {@link #now}, as "name 12.3 s" parts. */
    static String between(Map<String, Double> before, Map<String, Double> after) {
        return used(before, after).parts();
    }

    /** What each used between two readings of {@link #now} (no wall time). */
    static Use used(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new TreeMap<>();
        after.forEach((name, s) -> used.put(name, s - before.getOrDefault(name, 0.0)));
        return new Use(0, used);
    }

    /**
     * Readings of {@link #now} (with the JIT compilers' share) every 250 ms while open, to tell what the machine's
     * cores did during one step of a job (the job's steps run one after the other: the whole job's figure mixes them).
     */
    static final class Sampler implements AutoCloseable {

        private final java.util.NavigableMap<java.time.Instant, Map<String, Double>> readings =
                new java.util.concurrent.ConcurrentSkipListMap<>();
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-cpu-sampler");
                    t.setDaemon(true);
                    return t;
                });

        Sampler(LocalStack stack) {
            timer.scheduleAtFixedRate(() -> readings.put(java.time.Instant.now(), now(stack, true)), 0, 250,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        /** What each used while a step ran (its start and end times are local date-times). */
        Use during(org.springframework.batch.core.step.StepExecution step) {
            java.time.ZoneId zone = java.time.ZoneId.systemDefault();
            return during(step.getStartTime().atZone(zone).toInstant(), step.getEndTime().atZone(zone).toInstant());
        }

        /**
         * What each used from the first reading at or after {@code from} to the last at or before {@code to}, or null
         * when the interval holds fewer than two readings.
         */
        Use during(java.time.Instant from, java.time.Instant to) {
            java.time.Instant first = readings.ceilingKey(from);
            java.time.Instant last = readings.floorKey(to);
            if (first == null || last == null || !last.isAfter(first)) {
                return null;
            }
            return new Use(java.time.Duration.between(first, last).toMillis() / 1000.0,
                    used(readings.get(first), readings.get(last)).used());
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** CPU seconds each used in {@code seconds} of wall time. */
    record Use(double seconds, Map<String, Double> used) {

        /** "12.3 s, 2 cores: 24.6 s available, 97% used: keycloak 15.1 s (JIT compilers 3.2 s), …" */
        String describe() {
            int cores = Runtime.getRuntime().availableProcessors();
            return String.format("%.1f s, %d cores: %.1f s available, %.0f%% used: %s", seconds, cores, seconds * cores,
                    100 * total() / (seconds * cores), parts());
        }

        /** CPU seconds of all of them together. */
        double total() {
            return used.entrySet().stream().filter(e -> !e.getKey().endsWith(JIT)).mapToDouble(Map.Entry::getValue)
                    .sum();
        }

        /** "keycloak 15.1 s (JIT compilers 3.2 s), …" */
        String parts() {
            return parts(1, "%.1f s");
        }

        /** "keycloak 15.2 ms (JIT compilers 3.0 ms), …" per one of {@code items}. */
        String per(long items) {
            return parts(1000.0 / Math.max(1, items), "%.1f ms");
        }

        private String parts(double scale, String format) {
            StringBuilder parts = new StringBuilder();
            used.forEach((name, s) -> {
                if (!name.endsWith(JIT)) {
                    parts.append(parts.isEmpty() ? "" : ", ").append(name).append(' ')
                            .append(String.format(format, s * scale));
                    Double jit = used.get(name + JIT);
                    if (jit != null) {
                        parts.append(" (JIT compilers ").append(String.format(format, jit * scale)).append(')');
                    }
                }
            });
            return parts.toString();
        }
    }

    private static String classify(long pid) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
            if (cmd.contains("keycloak") || cmd.contains("quarkus")) {
                return "keycloak";
            }
            if (cmd.contains("elasticsearch")) {
                return "elasticsearch";
            }
            if (cmd.contains("opensearch")) {
                return "opensearch";
            }
            return cmd.contains("postgres") ? "postgres" : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A Java process's JIT compiler threads' CPU seconds; empty for a process that is not Java. */
    private static java.util.Optional<Double> compiling(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (!Files.readString(proc.resolve("comm")).startsWith("java")) { // PostgreSQL: no threads to read
                return java.util.Optional.empty();
            }
        } catch (IOException e) { // the process ended
            return java.util.Optional.empty();
        }
        try (var tasks = Files.list(proc.resolve("task"))) {
            return java.util.Optional.of(tasks.filter(task -> {
                try {
                    String comm = Files.readString(task.resolve("comm"));
                    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
                } catch (IOException e) { // the thread ended
                    return false;
                }
            }).mapToDouble(CpuUse::cpu).sum());
        } catch (IOException | java.io.UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }

    /** User + system CPU seconds of a process or thread ({@code /proc/<pid>} or {@code /proc/<pid>/task/<tid>}). */
    private static double cpu(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND; // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
