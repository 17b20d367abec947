package org.accountpurge.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.stack.LocalStack;
import org.accountpurge.stack.StackEndpoints;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Development tooling, not part of the product jar: run through Maven ({@code mvn -B -q -Pdev verify
 * -Ddev="COMMAND ..."}), on the test class path.
 * Its commands ({@code demo}, {@code stack}, {@code bench}, {@code sample-csv}) are the nested classes below;
 * {@code -Ddev="help bench"} prints one's options.
 * Every store it seeds is one the local stack started itself; it reads none of the purge's PURGE_* variables.
 */
@Command(name = "dev", subcommands = {DevMain.Demo.class, DevMain.Stack.class, DevMain.Bench.class,
        DevMain.SampleCsv.class, HelpCommand.class},
        description = "Development tooling: a local stack, the seeded demo, the benchmark.")
public final class DevMain implements Callable<Integer> {

    private static final Path PRODUCT_JAR = Path.of("target/account-purge.jar");

    @Spec
    private CommandSpec spec;

    public static void main(String[] argv) {
        CommandLine line = new CommandLine(new DevMain());
        line.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("dev: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 2;
        });
        line.setExecutionStrategy(parsed -> {
            endWithParent();
            return new CommandLine.RunLast().execute(parsed);
        });
        System.exit(line.execute(argv));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is needed");
    }

    /** The tenant a command seeds: its size and the generator's seed. */
    static final class Tenant {
        @Option(names = "--users", paramLabel = "N", description = "Users to seed (20 to 1000000).")
        Integer users;

        @Option(names = "--orgs", paramLabel = "M", description = "Organisations to seed (4 to 100000).")
        int orgs = SeedCommand.DEFAULT_ORGS;

        @Option(names = "--seed", paramLabel = "S", description = "The generator's seed.")
        long seed = SeedCommand.DEFAULT_SEED;

        int users(CommandSpec spec, int fallback) {
            int n = users == null ? fallback : users;
            within(spec, "--users", n, 20, 1_000_000);
            within(spec, "--orgs", orgs, 4, 100_000);
            within(spec, "--seed", seed, 0, Integer.MAX_VALUE);
            return n;
        }
    }

    /** {@code --search}: the local stack's search server, on the commands that start one. */
    static final class Search {
        @Spec(Spec.Target.MIXEE)
        private CommandSpec spec;

        @Option(names = "--search", paramLabel = "ENGINE",
                description = "The local stack's search server: elasticsearch (the default) or opensearch.")
        void engine(String engine) {
            if (!engine.equals("elasticsearch") && !engine.equals("opensearch")) {
                throw new ParameterException(spec.commandLine(), "--search must be elasticsearch or opensearch (got "
                        + engine + ")");
            }
            System.setProperty("purge.stack.search", engine); // what LocalStack.start reads
        }
    }

    /** {@code --help}, on every command. */
    static final class Help {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    static void within(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " must be between " + min + " and " + max
                    + " (got " + value + ")");
        }
    }

    @Command(name = "demo", description = "Start a local stack, seed the reference tenant, run the product jar's"
            + " purge on the sample CSV.")
    static final class Demo implements Callable<Integer> {
        @Mixin
        private Help help;

        @Spec
        private CommandSpec spec;

        @Mixin
        private Tenant tenant;

        @Mixin
        private Search search;

        @Override
        public Integer call() throws Exception {
            return demo(tenant.users(spec, SeedCommand.DEFAULT_USERS), tenant.orgs, tenant.seed);
        }
    }

    @Command(name = "stack", description = "Start a local stack (and seed it), print how to connect to it, keep it up"
            + " until Ctrl-C.")
    static final class Stack implements Callable<Integer> {
        @Mixin
        private Help help;

        @Option(names = "--seed", description = "Seed the reference tenant (default size and seed).")
        private boolean seed;

        @Mixin
        private Search search;

        @Override
        public Integer call() throws Exception {
            LocalStack stack = LocalStack.start(Path.of("target/stack"));
            // Ctrl-C / SIGTERM is how this command ends: stop every server, say so, and exit 0 (the JVM's own
            // exit code after a signal, 143, made Maven print "exited with an error" and a stack trace)
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stack.close();
                System.out.println("Stack stopped: every server ended, its run folder removed.");
                System.out.flush();
                Runtime.getRuntime().halt(0);
            }, "stack-command-stop"));
            System.out.println("STACK READY " + stack.endpoints() + " pids=" + stack.serverPids());
            String secret = null;
            if (seed) {
                secret = randomSecret();
                SeedCommand.seed(stack, SeedCommand.DEFAULT_USERS, SeedCommand.DEFAULT_ORGS, SeedCommand.DEFAULT_SEED,
                        secret, Path.of("target/seed/manifest.json"));
                System.out.println("Seeded the reference tenant (" + SeedCommand.DEFAULT_USERS + " users, "
                        + SeedCommand.DEFAULT_ORGS + " orgs, seed " + SeedCommand.DEFAULT_SEED + ")");
            }
            // on the terminal only: no logger ever sees these credentials
            System.out.println("# Connect the purge to the local stack (these credentials live as long as it runs):");
            exports(stack.endpoints(), secret).forEach(System.out::println);
            System.out.println("# Ctrl-C stops every server.");
            System.out.flush();
            Thread.currentThread().join();
            return 0;
        }
    }

    @Command(name = "bench", description = {"Seed N users into a fresh local stack, purge the inactive ones, print"
            + " the figures;", "with --csv-lines: load a CSV of N random ids (the loadCandidates step alone), print"
            + " lines/s and the heap's peak."})
    static final class Bench implements Callable<Integer> {
        @Mixin
        private Help help;

        @Spec
        private CommandSpec spec;

        @Mixin
        private Tenant tenant;

        @Mixin
        private Search search;

        @Option(names = "--chunk-size", paramLabel = "C", description = "The purge's chunk size (1 to 5000).")
        private int chunkSize = 100;

        @Option(names = "--partitions", paramLabel = "P", description = "Partitions of each kind's steps (1 to 256).")
        private int partitions = 1;

        @Option(names = "--workers", paramLabel = "W", description = "Partitions worked at once (1 to --partitions).")
        private int workers = 1;

        @Option(names = "--keycloak-rate", paramLabel = "R", description = "Keycloak calls per second (0: no limit).")
        private int keycloakRate;

        @Option(names = "--remote", description = "The workers are processes over an embedded Artemis broker"
                + " (purge.job.remote), not threads.")
        private boolean remote;

        @Option(names = "--warm-up", paramLabel = "W", description = "Accounts purged before the measured run.")
        private int warmUp = BenchCommand.DEFAULT_WARM_UP;

        @Option(names = "--csv-lines", paramLabel = "N", description = "Measure loading a CSV of N lines instead.")
        private Integer csvLines;

        @Option(names = "--sort-memory", paramLabel = "SIZE", description = "The CSV load's sort memory (256MB).")
        private String sortMemory = "256MB";

        @Override
        public Integer call() throws Exception {
            int users = tenant.users(spec, BenchCommand.DEFAULT_USERS);
            if (csvLines != null) {
                within(spec, "--csv-lines", csvLines, 1, 100_000_000);
                return BenchCommand.csvLoad(csvLines, tenant.seed, sortMemory);
            }
            within(spec, "--chunk-size", chunkSize, 1, 5000);
            within(spec, "--keycloak-rate", keycloakRate, 0, 100_000);
            within(spec, "--warm-up", warmUp, 0, 1_000_000);
            within(spec, "--partitions", partitions, 1, 256);
            within(spec, "--workers", workers, 1, partitions);
            return BenchCommand.run(users, chunkSize, tenant.seed, keycloakRate, warmUp, partitions, workers, remote);
        }
    }

    @Command(name = "sample-csv", description = "Write the legacy-state cleanup CSV matching a seed.")
    static final class SampleCsv implements Callable<Integer> {
        @Mixin
        private Help help;

        @Spec
        private CommandSpec spec;

        @Mixin
        private Tenant tenant;

        @Option(names = "--out", paramLabel = "FILE", description = "Where (default the shipped sample).")
        private Path out = Path.of("sample-input/legacy-state-cleanup.csv");

        @Override
        public Integer call() throws Exception {
            SeedCommand.writeSampleCsv(out, tenant.users(spec, SeedCommand.DEFAULT_USERS), tenant.orgs, tenant.seed);
            System.out.println("Wrote " + out);
            return 0;
        }
    }

    /**
     * Ends this JVM (its shutdown hooks stop the stack) when the process that started it ends: Maven's, when this runs
     * through {@code -Pdev}. Maven killed with SIGTERM does not stop the program it runs, which then kept every
     * server running with nobody to stop it.
     */
    private static void endWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.out.println("The process that started this one (pid " + parent.pid() + ") has ended: stopping.");
            System.exit(0);
        }));
    }

    /**
     * Seeds a fresh local stack and runs the product — {@code java -jar target/account-purge.jar purge ...}, as an
     * operator would, the stack's addresses and credentials in its environment — on the sample CSV.
     */
    private static int demo(int users, int orgs, long seed) throws Exception {
        if (!Files.isRegularFile(PRODUCT_JAR)) {
            System.err.println("dev: " + PRODUCT_JAR + " is missing: build it first (mvn -B -q -Pdev verify does)");
            return 2;
        }
        try (LocalStack stack = LocalStack.start(Path.of("target/stack"))) {
            String clientSecret = randomSecret();
            Path manifestFile = Path.of("target/seed/manifest.json");
            SeedManifest manifest = SeedCommand.seed(stack, users, orgs, seed, clientSecret, manifestFile);
            System.out.println("Seeded: postgres rows " + manifest.postgresRows());
            System.out.println("Seeded: elasticsearch documents " + manifest.elasticsearchDocuments());
            System.out.println("Seeded: keycloak users " + manifest.keycloakUsers() + " in realm " + manifest.realm());
            System.out.println("Manifest: " + manifestFile.toAbsolutePath());
            Path input = users == SeedCommand.DEFAULT_USERS && orgs == SeedCommand.DEFAULT_ORGS
                    && seed == SeedCommand.DEFAULT_SEED ? Path.of("sample-input/legacy-state-cleanup.csv")
                    : Path.of("target/seed/legacy-state-cleanup.csv");
            if (!Files.exists(input)) {
                SeedCommand.writeSampleCsv(input, users, orgs, seed);
            }
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    PRODUCT_JAR.toString(), "purge", "--config", "jobs-config/reference-tenant.yml", "--input",
                    input.toString(), "--new-run", "--reason", "demo purge of the seeded sample tenant");
            System.out.println("Running: " + String.join(" ", command.subList(1, command.size())));
            ProcessBuilder purge = new ProcessBuilder(command).inheritIO();
            stack.endpoints().asPurgeProperties().forEach((k, v) -> purge.environment().put(k, String.valueOf(v)));
            purge.environment().put("PURGE_KC_CLIENT_SECRET", clientSecret);
            int exit = purge.start().waitFor();
            System.out.println("The purge exited with " + exit + "; the local stack stops now.");
            return exit;
        }
    }

    /** {@code export PURGE_...=...} lines for a shell: the stack's addresses and the credentials it generated. */
    static List<String> exports(StackEndpoints stack, String clientSecret) {
        List<String> lines = new ArrayList<>();
        lines.add("export PURGE_PG_URL=" + quote(stack.jdbcUrl()) + " PURGE_PG_USER=" + quote(stack.jdbcUser())
                + " PURGE_PG_PASSWORD=" + quote(stack.jdbcPassword()));
        lines.add("export PURGE_ES_URL=" + quote(stack.elasticsearchUrl()));
        lines.add("export PURGE_KC_URL=" + quote(stack.keycloakUrl()));
        lines.add("export DEV_KC_ADMIN_USER=" + quote(stack.keycloakAdminUser()) + " DEV_KC_ADMIN_PASSWORD="
                + quote(stack.keycloakAdminPassword()) + "   # the local Keycloak's admin console");
        if (clientSecret != null) {
            lines.add("export PURGE_KC_CLIENT_SECRET=" + quote(clientSecret));
        }
        return lines;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

}
