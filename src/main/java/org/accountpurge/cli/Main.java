package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of account-purge.
 * <pre>
 *   purge --config FILE --input FILE [--new-run] [--dry-run] [--override-guard]
 *                              run a purge job against the stores the configuration names (PURGE_* variables);
 *                              a dry run records candidates and retention and touches no store
 *   nightly --config FILE [--run-date YYYY-MM-DD] [--dry-run] [--override-guard]
 *                              the inactivity purge of a date (default today, UTC): candidates from purge.selection,
 *                              one real run per date
 *   restart --config FILE --execution ID [--after-crash] [--config-changed] [--override-guard]
 *                              restart a failed execution: it finishes exactly the remaining work
 *                              (--after-crash: the execution's process died and it is still marked running;
 *                              --config-changed: the job configuration was changed on purpose since)
 *   status --config FILE --execution ID
 *                              what a run did so far (read-only: no migration, no write, no lock)
 *   retry-failed --config FILE --execution ID
 *                              purge the accounts a completed run left FAILED again, as a new run
 *   verify --config FILE --execution ID
 *                              check now that a run's purged accounts are gone from every store (read-only)
 *   orphans --config FILE [--purge]
 *                              documents and realm users whose account is not in the database; --purge removes them
 *   schedule --config FILE     long-lived: the nightly purge at each time of purge.schedule.cron, one at a time;
 *                              SIGTERM stops a run in progress after its chunk and ends the process
 * </pre>
 * --override-guard: go on although the candidates exceed purge.guard (max-accounts, max-share); recorded.
 * Exit code 4: the run completed but left accounts FAILED (a store refused them for good; see the summary).
 * Exit code 5: the run's window (purge.job.window) closed: the execution is STOPPED between chunks, restartable.
 * <pre>
 * </pre>
 * Flags ({@code --dry-run}, {@code --new-run}, {@code --after-crash}, {@code --config-changed}) take no value or
 * exactly {@code true}/{@code false}. Exit codes: 0 completed, 1 failed (restartable), 2 nothing started (command
 * line, configuration, or a store that cannot be used), 3 refused. The local stack, the seeder and the benchmark are
 * development tooling outside this program (src/dev, run through Maven).
 */
public final class Main {

    static final Map<String, Set<String>> COMMANDS = Map.of(
            "purge", Set.of("config", "input", "new-run", "dry-run", "override-guard"),
            "nightly", Set.of("config", "run-date", "dry-run", "override-guard"),
            "restart", Set.of("config", "execution", "after-crash", "config-changed", "override-guard"),
            "status", Set.of("config", "execution"),
            "retry-failed", Set.of("config", "execution"),
            "verify", Set.of("config", "execution"),
            "orphans", Set.of("config", "purge"),
            "schedule", Set.of("config"));

    /** Options that are flags, per command. */
    static final Map<String, Set<String>> FLAGS = Map.of(
            "purge", Set.of("new-run", "dry-run", "override-guard"),
            "nightly", Set.of("dry-run", "override-guard"),
            "restart", Set.of("after-crash", "config-changed", "override-guard"),
            "orphans", Set.of("purge"));

    private static final String USAGE = "commands: purge --config FILE --input FILE [--dry-run] [--new-run]"
            + " [--override-guard] | nightly --config FILE [--run-date YYYY-MM-DD] [--dry-run] [--override-guard]"
            + " | restart --config FILE --execution ID [--after-crash] [--config-changed] [--override-guard]"
            + " | status --config FILE --execution ID | retry-failed --config FILE --execution ID"
            + " | verify --config FILE --execution ID | orphans --config FILE [--purge] | schedule --config FILE";

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopGracefully(done), "account-purge-sigterm"));
        int code;
        try {
            code = execute(argv, Map.of());
        } finally {
            done.countDown();
        }
        System.exit(code);
    }

    /**
     * On SIGTERM while a command works: no new scheduled run, the running execution stops after its current chunk
     * (STOPPED, restartable), and the JVM waits for the command to end (up to 5 minutes) before it exits.
     */
    private static void stopGracefully(java.util.concurrent.CountDownLatch done) {
        Schedule.requestStop();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        try {
            while (done.getCount() > 0 && System.nanoTime() < deadline) {
                List<Long> asked = PurgeRun.stopRunning();
                if (!asked.isEmpty()) {
                    System.err.println("account-purge: SIGTERM: execution(s) " + asked + " stop after the chunk in"
                            + " progress (STOPPED, restartable)");
                }
                done.await(1, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a command and returns its exit code.
     *
     * @param properties fill the job configuration's ${...} placeholders (tests); the environment does otherwise
     */
    public static int execute(String[] argv, Map<String, Object> properties) throws Exception {
        Args args;
        try {
            args = Args.parse(argv, COMMANDS, FLAGS.getOrDefault(argv.length == 0 ? "" : argv[0], Set.of()));
            return run(args, properties);
        } catch (Args.UsageException e) {
            System.err.println("account-purge: " + e.getMessage());
            System.err.println(USAGE);
            return PurgeRun.NOT_STARTED;
        } catch (PurgeRun.StartupException e) {
            System.err.println("account-purge: " + e.getMessage());
            return e.exitCode();
        }
    }

    private static int run(Args args, Map<String, Object> properties) throws Exception {
        return switch (args.command()) {
            case "purge" -> PurgeRun.start(Path.of(required(args, "config")), Path.of(required(args, "input")),
                    args.flag("new-run"), args.flag("dry-run"), args.flag("override-guard"), properties);
            case "nightly" -> PurgeRun.nightly(Path.of(required(args, "config")), runDate(args), args.flag("dry-run"),
                    args.flag("override-guard"), properties);
            case "restart" -> PurgeRun.restart(Path.of(required(args, "config")), execution(args),
                    args.flag("after-crash"), args.flag("config-changed"), args.flag("override-guard"), properties);
            case "status" -> PurgeRun.status(Path.of(required(args, "config")), execution(args), properties);
            case "retry-failed" -> PurgeRun.retryFailed(Path.of(required(args, "config")), execution(args), properties);
            case "verify" -> PurgeRun.verify(Path.of(required(args, "config")), execution(args), properties);
            case "orphans" -> PurgeRun.orphans(Path.of(required(args, "config")), args.flag("purge"), properties);
            case "schedule" -> Schedule.run(Path.of(required(args, "config")), properties);
            default -> throw new IllegalStateException(args.command());
        };
    }

    /** How this program was started, for commands to paste: the jar when there is one. */
    static String self() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.isBlank() ? "" : command.split(" ")[0];
        return "java -jar " + (first.endsWith(".jar") ? first : "target/account-purge.jar");
    }

    /** {@code --run-date}, default today (UTC). */
    private static java.time.LocalDate runDate(Args args) {
        String date = args.get("run-date", null);
        if (date == null) {
            return java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        }
        try {
            return java.time.LocalDate.parse(date);
        } catch (java.time.format.DateTimeParseException e) {
            throw new Args.UsageException("--run-date must be a date like 2026-11-25 (got '" + date + "')");
        }
    }

    private static long execution(Args args) {
        if (args.get("execution", null) == null) {
            throw new Args.UsageException(args.command() + " needs --execution");
        }
        return args.integer("execution", 0, 1, Integer.MAX_VALUE);
    }

    private static String required(Args args, String option) {
        String value = args.get(option, null);
        if (value == null) {
            throw new Args.UsageException(args.command() + " needs --" + option);
        }
        return value;
    }
}
