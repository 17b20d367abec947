package org.accountpurge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.stack.LocalStack;
import org.accountpurge.stack.StackEndpoints;

/**
 * Command line of account-purge.
 * <pre>
 *   demo                       start the local stack, seed the reference tenant, run the purge on the sample CSV
 *   purge --config FILE --input FILE [--new-run] [--dry-run]
 *                              run a purge job against the servers the configuration names (PURGE_* variables);
 *                              a dry run records candidates and retention and touches no store
 *   restart --config FILE --execution ID [--after-crash] [--config-changed]
 *                              restart a failed execution: it finishes exactly the remaining work
 *                              (--after-crash: the execution's process died and it is still marked running;
 *                              --config-changed: the job configuration was changed on purpose since)
 *   bench [--users N] [--chunk-size C]
 *                              seed N users into a fresh local stack, purge the inactive ones, print the figures
 *   status --config FILE --execution ID
 *                              what a run did so far (read-only: no migration, no write, no lock)
 *   stack [--seed]             start the local stack, print how to connect to it, keep it up until Ctrl-C
 *   seed [--users N] [--orgs M] [--seed S] [--manifest FILE]
 *                              seed the reference tenant into the stack (local, or the PURGE_* servers)
 *   sample-csv [--out FILE] [--users N] [--orgs M] [--seed S]
 *                              write the legacy-state cleanup CSV matching a seed
 * </pre>
 * Flags ({@code --dry-run}, {@code --new-run}, {@code --after-crash}, {@code --config-changed}, {@code --seed} of
 * stack) take no value or exactly {@code true}/{@code false}. Exit codes: 0 completed, 1 failed (restartable),
 * 2 nothing started (command line, configuration, or a store that cannot be used), 3 refused.
 */
public final class Main {

    private static final Map<String, Set<String>> COMMANDS = Map.of(
            "demo", Set.of("users", "orgs", "seed"),
            "purge", Set.of("config", "input", "new-run", "dry-run"),
            "restart", Set.of("config", "execution", "after-crash", "config-changed"),
            "status", Set.of("config", "execution"),
            "stack", Set.of("seed"),
            "bench", Set.of("users", "chunk-size", "seed"),
            "seed", Set.of("users", "orgs", "seed", "manifest"),
            "sample-csv", Set.of("out", "users", "orgs", "seed"));

    /** Options that are flags (per command: {@code --seed} is a flag of stack only). */
    private static final Map<String, Set<String>> FLAGS = Map.of(
            "purge", Set.of("new-run", "dry-run"),
            "restart", Set.of("after-crash", "config-changed"),
            "stack", Set.of("seed"));

    private static final String USAGE = "commands: demo | purge --config FILE --input FILE [--dry-run] [--new-run]"
            + " | restart --config FILE --execution ID [--after-crash] [--config-changed]"
            + " | status --config FILE --execution ID | bench [--users N --chunk-size C] | stack [--seed]"
            + " | seed [--users N --orgs M --seed S --manifest FILE] | sample-csv [--out FILE]";

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        System.exit(execute(argv, Map.of()));
    }

    /**
     * Runs a command and returns its exit code.
     *
     * @param properties fill the job configuration's ${...} placeholders (tests); the environment does otherwise
     */
    static int execute(String[] argv, Map<String, Object> properties) throws Exception {
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
        int users = args.integer("users", SeedCommand.DEFAULT_USERS, 20, 1_000_000);
        int orgs = args.integer("orgs", SeedCommand.DEFAULT_ORGS, 4, 100_000);
        long seed = args.command().equals("stack") ? SeedCommand.DEFAULT_SEED
                : args.integer("seed", (int) SeedCommand.DEFAULT_SEED, 0, Integer.MAX_VALUE);
        switch (args.command()) {
            case "stack" -> {
                LocalStack stack = LocalStack.start(Path.of("target/stack"));
                System.out.println("STACK READY " + stack.endpoints() + " pids=" + stack.serverPids());
                String secret = null;
                if (args.flag("seed")) {
                    secret = randomSecret();
                    SeedCommand.seed(stack.endpoints(), users, orgs, seed, secret, Path.of("target/seed/manifest.json"));
                    System.out.println("Seeded the reference tenant (" + users + " users, " + orgs + " orgs, seed "
                            + seed + ")");
                }
                // on the terminal only: no logger ever sees these credentials
                System.out.println("# Connect to the local stack (these credentials live as long as it runs):");
                exports(stack.endpoints(), secret).forEach(System.out::println);
                System.out.println("# Ctrl-C stops every server.");
                System.out.flush();
                Thread.currentThread().join();
                return 0;
            }
            case "bench" -> {
                return BenchCommand.run(users, args.integer("chunk-size", 100, 1, 5000), seed);
            }
            case "sample-csv" -> {
                Path out = Path.of(args.get("out", "sample-input/legacy-state-cleanup.csv"));
                SeedCommand.writeSampleCsv(out, users, orgs, seed);
                System.out.println("Wrote " + out);
                return 0;
            }
            case "purge" -> {
                return PurgeRun.start(Path.of(required(args, "config")), Path.of(required(args, "input")),
                        args.flag("new-run"), args.flag("dry-run"), properties);
            }
            case "restart" -> {
                return PurgeRun.restart(Path.of(required(args, "config")), execution(args), args.flag("after-crash"),
                        args.flag("config-changed"), properties);
            }
            case "status" -> {
                return PurgeRun.status(Path.of(required(args, "config")), execution(args), properties);
            }
            case "seed", "demo" -> {
                int exit = 0;
                try (LocalStack stack = LocalStack.start(Path.of("target/stack"))) {
                    Path manifestFile = Path.of(args.get("manifest", "target/seed/manifest.json"));
                    String clientSecret = randomSecret();
                    SeedManifest manifest = SeedCommand.seed(stack.endpoints(), users, orgs, seed, clientSecret,
                            manifestFile);
                    System.out.println("Seeded: postgres rows " + manifest.postgresRows());
                    System.out.println("Seeded: elasticsearch documents " + manifest.elasticsearchDocuments());
                    System.out.println("Seeded: keycloak users " + manifest.keycloakUsers() + " in realm "
                            + manifest.realm());
                    System.out.println("Manifest: " + manifestFile.toAbsolutePath());
                    if (args.command().equals("demo")) {
                        Path input = users == SeedCommand.DEFAULT_USERS && orgs == SeedCommand.DEFAULT_ORGS
                                && seed == SeedCommand.DEFAULT_SEED ? Path.of("sample-input/legacy-state-cleanup.csv")
                                : Path.of("target/seed/legacy-state-cleanup.csv");
                        if (!Files.exists(input)) {
                            SeedCommand.writeSampleCsv(input, users, orgs, seed);
                        }
                        System.out.println("Purging the accounts listed in " + input);
                        exit = PurgeRun.start(Path.of("jobs-config/reference-tenant.yml"), input, true, false,
                                PurgeRun.stackProperties(stack.endpoints(), clientSecret));
                    } else {
                        System.out.println("# The purge client's secret (terminal only):");
                        System.out.println("export PURGE_KC_CLIENT_SECRET=" + clientSecret);
                    }
                }
                return exit;
            }
            default -> throw new IllegalStateException(args.command());
        }
    }

    /** {@code export PURGE_...=...} lines for a shell: the stack's addresses and the credentials it generated. */
    static List<String> exports(StackEndpoints stack, String clientSecret) {
        List<String> lines = new ArrayList<>();
        lines.add("export PURGE_PG_URL=" + quote(stack.jdbcUrl()) + " PURGE_PG_USER=" + quote(stack.jdbcUser())
                + " PURGE_PG_PASSWORD=" + quote(stack.jdbcPassword()));
        lines.add("export PURGE_ES_URL=" + quote(stack.elasticsearchUrl()));
        lines.add("export PURGE_KC_URL=" + quote(stack.keycloakUrl()) + " PURGE_KC_ADMIN_USER="
                + quote(stack.keycloakAdminUser()) + " PURGE_KC_ADMIN_PASSWORD=" + quote(stack.keycloakAdminPassword()));
        if (clientSecret != null) {
            lines.add("export PURGE_KC_CLIENT_SECRET=" + quote(clientSecret));
        }
        return lines;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** How this program was started, for commands to paste: the jar when there is one. */
    static String self() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.isBlank() ? "" : command.split(" ")[0];
        return "java -jar " + (first.endsWith(".jar") ? first : "target/account-purge.jar");
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

    static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
