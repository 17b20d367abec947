package org.accountpurge.cli;

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

    private CpuUse() {
    }

    /** Seconds of CPU used so far, per server ("keycloak", "elasticsearch", "postgres") and "purge JVM". */
    static Map<String, Double> now(LocalStack stack) {
        Map<String, Double> seconds = new TreeMap<>();
        List<Long> pids = new ArrayList<>(stack.serverPids());
        for (long pid : pids) {
            String name = classify(pid);
            if (name != null) {
                seconds.merge(name, cpu(pid), Double::sum);
            }
        }
        seconds.put("purge JVM", cpu(ProcessHandle.current().pid()));
        return seconds;
    }

    /** What each used between two readings of {@link #now}, as "name 12.3 s" parts. */
    static String between(Map<String, Double> before, Map<String, Double> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((name, s) -> out.append(out.isEmpty() ? "" : ", ").append(String.format("%s %.1f s", name,
                s - before.getOrDefault(name, 0.0))));
        return out.toString();
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
            return cmd.contains("postgres") ? "postgres" : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static double cpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND; // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
