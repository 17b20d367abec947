package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of account-purge.
 * <pre>
 *   purge --config FILE --input FILE --reason TEXT [--initiator NAME] [--new-run] [--dry-run] [--override-guard]
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
 *   report --config FILE --execution ID
 *                              write an execution's report folder again (read-only)
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
 * --initiator (default the OS user) and --reason (required for a real CSV purge) are recorded with every execution
 * a command starts (purge, nightly, restart, retry-failed, schedule) and printed in its report.
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

    static final Map<String, Set<String>> COMMANDS = Map.ofEntries(
            Map.entry("purge", Set.of("config", "input", "new-run", "dry-run", "override-guard", "initiator", "reason")),
            Map.entry("nightly", Set.of("config", "run-date", "dry-run", "override-guard", "initiator", "reason")),
            Map.entry("restart", Set.of("config", "execution", "after-crash", "config-changed", "override-guard",
                    "initiator", "reason")),
            Map.entry("status", Set.of("config", "execution")),
            Map.entry("retry-failed", Set.of("config", "execution", "initiator", "reason")),
            Map.entry("verify", Set.of("config", "execution")),
            Map.entry("orphans", Set.of("config", "purge")),
            Map.entry("schedule", Set.of("config", "initiator", "reason")),
            Map.entry("list", Set.of("config", "limit")),
            Map.entry("stop", Set.of("config", "execution")),
            Map.entry("abandon", Set.of("config", "execution", "reason", "initiator")),
            Map.entry("failed", Set.of("config", "execution")),
            Map.entry("report", Set.of("config", "execution")));

    /** {@code --help} of each command (and of the program, key ""). */
    static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("purge", "purge --config FILE --input FILE --reason TEXT [--initiator NAME] [--dry-run] [--new-run]"
                    + " [--override-guard]\n  Purges the accounts a CSV lists (account_id, kind). --reason (required"
                    + " but for a dry run) and --initiator (default the OS user) are recorded with the run and in its"
                    + " report. --dry-run records candidates and retention"
                    + " and touches no store; --new-run starts over although an unfinished run of the file exists;"
                    + " --override-guard goes on past purge.guard (recorded)."),
            Map.entry("nightly", "nightly --config FILE [--run-date YYYY-MM-DD] [--dry-run] [--override-guard]"
                    + " [--initiator NAME] [--reason TEXT]\n"
                    + "  The inactivity purge of a date (default today, UTC): candidates from purge.selection; one real"
                    + " run per date; resumes a stopped earlier night first (purge.job.window.next-night)."),
            Map.entry("restart", "restart --config FILE --execution ID [--after-crash] [--config-changed]"
                    + " [--override-guard] [--initiator NAME] [--reason TEXT]\n  Finishes exactly the remaining work of a FAILED or STOPPED execution."
                    + " --after-crash: its process died and it is still marked running; --config-changed: the"
                    + " configuration was changed on purpose (recorded)."),
            Map.entry("status", "status --config FILE --execution ID\n  What a run did so far; read-only (no"
                    + " migration, no write, no lock), answers during a purge."),
            Map.entry("list", "list --config FILE [--limit N]\n  The last N executions (default 20), one line each:"
                    + " run, input or selection, status, start, end, accounts per state. Read-only."),
            Map.entry("stop", "stop --config FILE --execution ID\n  Asks a running execution (in any process, on any"
                    + " machine) to stop after its chunk in progress: it ends STOPPED, restartable."),
            Map.entry("abandon", "abandon --config FILE --execution ID --reason TEXT [--initiator NAME]\n  Gives a failed or stopped"
                    + " execution up for good (ABANDONED, never restarted); who and why are recorded."),
            Map.entry("failed", "failed --config FILE --execution ID\n  The accounts the run left FAILED, with the"
                    + " store, target and error of each. Read-only."),
            Map.entry("report", "report --config FILE --execution ID\n  Writes the execution's report folder again"
                    + " (report.json, report.html, CSVs of purged, retained, failed and rejected ids) under"
                    + " purge.job.report-directory. Read-only; during a run it reports the progress so far."),
            Map.entry("retry-failed", "retry-failed --config FILE --execution ID [--initiator NAME] [--reason TEXT]\n  Purges the FAILED accounts of a"
                    + " completed run again, as a new run."),
            Map.entry("verify", "verify --config FILE --execution ID\n  Checks now that a run's purged accounts are"
                    + " gone from every store. Read-only."),
            Map.entry("orphans", "orphans --config FILE [--purge]\n  Documents and realm users whose account is not"
                    + " in the database; --purge removes them."),
            Map.entry("schedule", "schedule --config FILE [--initiator NAME] [--reason TEXT]\n  Long-lived: the nightly purge at each time of"
                    + " purge.schedule.cron, one at a time; SIGTERM stops a run after its chunk and ends."),
            Map.entry("", "account-purge: removes inactive accounts from PostgreSQL, Elasticsearch and Keycloak.\n"
                    + "Commands: purge, nightly, restart, status, list, stop, abandon, failed, report, retry-failed, verify,"
                    + " orphans, schedule; COMMAND --help for one.\nExit codes: 0 completed; 1 failed (restartable);"
                    + " 2 nothing started (command line, configuration, preflight); 3 refused; 4 completed with"
                    + " FAILED accounts; 5 stopped by its window."));

    /** Options that are flags, per command. */
    static final Map<String, Set<String>> FLAGS = Map.of(
            "purge", Set.of("new-run", "dry-run", "override-guard"),
            "nightly", Set.of("dry-run", "override-guard"),
            "restart", Set.of("after-crash", "config-changed", "override-guard"),
            "orphans", Set.of("purge"));

    static final String USAGE = "commands: purge --config FILE --input FILE --reason TEXT [--dry-run] [--new-run]"
            + " [--override-guard] [--initiator NAME] | nightly --config FILE [--run-date YYYY-MM-DD] [--dry-run]"
            + " [--override-guard] [--initiator NAME] [--reason TEXT]"
            + " | restart --config FILE --execution ID [--after-crash] [--config-changed] [--override-guard]"
            + " [--initiator NAME] [--reason TEXT]"
            + " | status --config FILE --execution ID | retry-failed --config FILE --execution ID [--initiator NAME]"
            + " [--reason TEXT]"
            + " | verify --config FILE --execution ID | orphans --config FILE [--purge]"
            + " | schedule --config FILE [--initiator NAME] [--reason TEXT]"
            + " | list --config FILE [--limit N] | stop --config FILE --execution ID"
            + " | abandon --config FILE --execution ID --reason TEXT [--initiator NAME]"
            + " | failed --config FILE --execution ID | report --config FILE --execution ID"
            + " | COMMAND --help";

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
        if (java.util.Arrays.asList(argv).contains("--help") || argv.length == 1 && "help".equals(argv[0])) {
            String command = argv.length > 0 && HELP.containsKey(argv[0]) ? argv[0] : "";
            System.out.println(HELP.get(command));
            return PurgeRun.COMPLETED;
        }
        Args args;
        try {
            args = Args.parse(argv, COMMANDS, FLAGS.getOrDefault(argv.length == 0 ? "" : argv[0], Set.of()));
            if (Attribution.COMMANDS.contains(args.command())) {
                Attribution.set(args, PurgeRun.processName());
            }
            return run(args, properties);
        } catch (Args.UsageException e) {
            System.err.println("account-purge: " + e.getMessage());
            System.err.println(USAGE);
            return PurgeRun.NOT_STARTED;
        } catch (PurgeRun.StartupException e) {
            System.err.println("account-purge: " + e.getMessage());
            return e.exitCode();
        } finally {
            Attribution.clear();
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
            case "list" -> Operations.list(Path.of(required(args, "config")), args.integer("limit", 20, 1, 10_000),
                    properties);
            case "stop" -> Operations.stop(Path.of(required(args, "config")), execution(args), properties);
            case "abandon" -> Operations.abandon(Path.of(required(args, "config")), execution(args),
                    args.get("reason", null), Attribution.initiator(args), properties);
            case "failed" -> Operations.failed(Path.of(required(args, "config")), execution(args), properties);
            case "report" -> Operations.report(Path.of(required(args, "config")), execution(args), properties);
            default -> throw new IllegalStateException(args.command());
        };
    }

    /** How this program was started, for commands to paste: the jar when there is one. */
    static String self() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.isBlank() ? "" : command.split(" ")[0];
        return "java -jar " + shellWord(Path.of(first.endsWith(".jar") ? first : "target/account-purge.jar")
                .toAbsolutePath().normalize().toString());
    }

    /** A file as printed commands name it: absolute, quoted for the shell when it needs to be. */
    static String path(Path file) {
        return shellWord(file.toAbsolutePath().normalize().toString());
    }

    /** A word as a POSIX shell reads it back: as is when it is plain, otherwise in single quotes. */
    static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** {@code --run-date}, default today (UTC). */
    private static java.time.LocalDate runDate(Args args) {
        String date = args.get("run-date", null);
        if (date == null) {
            return java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        }
        java.time.LocalDate parsed;
        try {
            parsed = java.time.LocalDate.parse(date);
        } catch (java.time.format.DateTimeParseException e) {
            throw new Args.UsageException("--run-date must be a date like 2026-11-25 (got '" + date + "')");
        }
        // a date ahead moves every cut-off forward: --run-date 9999-12-31 would select every active user
        java.time.LocalDate latest = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
        if (parsed.isAfter(latest)) {
            throw new Args.UsageException("--run-date " + parsed + " is in the future: the latest run date is "
                    + latest + " (today in UTC plus a day, for a schedule in a zone ahead of UTC); its cut-offs would"
                    + " select accounts that are not inactive yet");
        }
        return parsed;
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
