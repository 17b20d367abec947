package org.accountpurge.dev;

import org.accountpurge.cli.Args;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.stack.LocalStack;
import org.accountpurge.stack.StackEndpoints;

/**
 * Development tooling, not part of the product jar: run through Maven ({@code mvn -B -q -Pdev verify
 * -Ddev="COMMAND ..."}), on the test class path.
 * <pre>
 *   demo [--users N --orgs M --seed S]
 *                   start a local stack, seed the reference tenant, run the product jar's purge on the sample CSV
 *   stack [--seed]  start a local stack (and seed it), print how to connect to it, keep it up until Ctrl-C
 *   bench [--users N] [--chunk-size C] [--seed S] [--keycloak-rate R] [--warm-up W]
 *                   seed N users into a fresh local stack, purge the inactive ones, print the figures
 *   bench --csv-lines N [--sort-memory 256MB]
 *                   load a CSV of N random ids (the loadCandidates step alone), print lines/s and the heap's peak
 *   sample-csv [--out FILE] [--users N --orgs M --seed S]
 *                   write the legacy-state cleanup CSV matching a seed
 * </pre>
 * Every store it seeds is one the local stack started itself; it reads none of the purge's PURGE_* variables.
 */
public final class DevMain {

    private static final Map<String, Set<String>> COMMANDS = Map.of(
            "demo", Set.of("users", "orgs", "seed"),
            "stack", Set.of("seed"),
            "bench", Set.of("users", "chunk-size", "seed", "csv-lines", "sort-memory", "keycloak-rate", "warm-up"),
            "sample-csv", Set.of("out", "users", "orgs", "seed"));
    private static final Map<String, Set<String>> FLAGS = Map.of("stack", Set.of("seed"));
    private static final Path PRODUCT_JAR = Path.of("target/account-purge.jar");

    private DevMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv, COMMANDS, FLAGS.getOrDefault(argv.length == 0 ? "" : argv[0], Set.of()));
        } catch (Args.UsageException e) {
            System.err.println("dev: " + e.getMessage());
            System.err.println("commands: demo | stack [--seed] | bench [--users N --chunk-size C] | sample-csv [--out FILE]");
            System.exit(2);
            return;
        }
        endWithParent();
        System.exit(run(args));
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

    private static int run(Args args) throws Exception {
        int users = args.integer("users", args.command().equals("bench") ? BenchCommand.DEFAULT_USERS
                : SeedCommand.DEFAULT_USERS, 20, 1_000_000);
        int orgs = args.integer("orgs", SeedCommand.DEFAULT_ORGS, 4, 100_000);
        long seed = args.command().equals("stack") ? SeedCommand.DEFAULT_SEED
                : args.integer("seed", (int) SeedCommand.DEFAULT_SEED, 0, Integer.MAX_VALUE);
        switch (args.command()) {
            case "stack" -> {
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
                if (args.flag("seed")) {
                    secret = randomSecret();
                    SeedCommand.seed(stack, users, orgs, seed, secret, Path.of("target/seed/manifest.json"));
                    System.out.println("Seeded the reference tenant (" + users + " users, " + orgs + " orgs, seed "
                            + seed + ")");
                }
                // on the terminal only: no logger ever sees these credentials
                System.out.println("# Connect the purge to the local stack (these credentials live as long as it runs):");
                exports(stack.endpoints(), secret).forEach(System.out::println);
                System.out.println("# Ctrl-C stops every server.");
                System.out.flush();
                Thread.currentThread().join();
                return 0;
            }
            case "bench" -> {
                if (args.get("csv-lines", null) != null) {
                    return BenchCommand.csvLoad(args.integer("csv-lines", 0, 1, 100_000_000), seed,
                            args.get("sort-memory", "256MB"));
                }
                return BenchCommand.run(users, args.integer("chunk-size", 100, 1, 5000), seed,
                        args.integer("keycloak-rate", 0, 0, 100_000),
                        args.integer("warm-up", BenchCommand.DEFAULT_WARM_UP, 0, 1_000_000));
            }
            case "sample-csv" -> {
                Path out = Path.of(args.get("out", "sample-input/legacy-state-cleanup.csv"));
                SeedCommand.writeSampleCsv(out, users, orgs, seed);
                System.out.println("Wrote " + out);
                return 0;
            }
            case "demo" -> {
                return demo(users, orgs, seed);
            }
            default -> throw new IllegalStateException(args.command());
        }
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
