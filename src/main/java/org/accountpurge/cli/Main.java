package org.accountpurge.cli;

import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The program's entry: the commands are classes ({@link AccountPurge} lists them), their options and {@code --help}
 * are picocli's. Exit codes: 0 completed, 1 failed (restartable), 2 nothing started (command line, configuration, or
 * a store that cannot be used), 3 refused, 4 completed with FAILED accounts, 5 stopped by its window. The local stack,
 * the seeder and the benchmark are development tooling outside this program (src/dev, run through Maven).
 */
public final class Main {

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
        WorkerCommand.requestStop();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        try {
            while (done.getCount() > 0 && System.nanoTime() < deadline) {
                List<Long> asked = TenantContext.stopRunning();
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
    public static int execute(String[] argv, Map<String, Object> properties) {
        try {
            return commandLine(properties).execute(argv);
        } finally {
            Attribution.clear();
        }
    }

    /** The command line, on this moment's standard output and error (tests capture them). */
    static CommandLine commandLine(Map<String, Object> properties) {
        CommandLine line = new CommandLine(new AccountPurge(properties));
        line.setUsageHelpWidth(100);
        line.setOut(new PrintWriter(System.out, true));
        line.setErr(new PrintWriter(System.err, true));
        line.setParameterExceptionHandler(Main::commandLineError);
        line.setExecutionExceptionHandler(Main::notStarted);
        return line;
    }

    /** A command line that does not parse: what is wrong, then the command's synopsis. Nothing is contacted. */
    private static int commandLineError(CommandLine.ParameterException e, String[] argv) {
        printUsageError(e.getCommandLine(), e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, e.getCommandLine().getErr());
        return ExitCode.NOT_STARTED;
    }

    /** A command that refused to start ({@link UsageException}, {@link StartupException}); else thrown. */
    private static int notStarted(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof UsageException) {
            printUsageError(command, e.getMessage());
            return ExitCode.NOT_STARTED;
        }
        if (e instanceof StartupException startup) {
            command.getErr().println("account-purge: " + startup.getMessage());
            return startup.exitCode();
        }
        throw e;
    }

    private static void printUsageError(CommandLine command, String message) {
        PrintWriter err = command.getErr();
        err.println("account-purge: " + message);
        err.print(command.getHelp().synopsisHeading() + command.getHelp().synopsis(0));
        err.println(command.getSubcommands().isEmpty()
                ? "'" + command.getCommandSpec().qualifiedName() + " --help' explains every option."
                : "Commands: " + String.join(", ", command.getSubcommands().keySet())
                        + "; 'account-purge COMMAND --help' explains one.");
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
}
