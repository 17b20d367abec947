package org.accountpurge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.stack.LocalStack;

/**
 * Command line of account-purge.
 * <pre>
 *   demo                       start the local stack, seed the reference tenant, run the purge on the sample CSV
 *   purge --config FILE --input FILE [--new-run true] [--dry-run true]
 *                              run a purge job against the servers the configuration names (PURGE_* variables);
 *                              a dry run records candidates and retention and touches no store
 *   restart --config FILE --execution ID [--after-crash true]
 *                              restart a failed execution: it finishes exactly the remaining work
 *                              (--after-crash: the execution's process died and it is still marked running)
 *   bench [--users N] [--chunk-size C]
 *                              seed N users into a fresh local stack, purge the inactive ones, print the figures
 *   status --config FILE --execution ID
 *                              what a run did so far: candidates, retention, rejected rows, per store and target
 *   stack                      start the local stack and keep it running until Ctrl-C
 *   seed [--users N] [--orgs M] [--seed S] [--manifest FILE]
 *                              seed the reference tenant into the stack (local, or the PURGE_* servers)
 *   sample-csv [--out FILE] [--users N] [--orgs M] [--seed S]
 *                              write the legacy-state cleanup CSV matching a seed
 * </pre>
 */
public final class Main {

    private static final Map<String, Set<String>> COMMANDS = Map.of(
            "demo", Set.of("users", "orgs", "seed"),
            "purge", Set.of("config", "input", "new-run", "dry-run"),
            "restart", Set.of("config", "execution", "after-crash"),
            "status", Set.of("config", "execution"),
            "stack", Set.of(),
            "bench", Set.of("users", "chunk-size", "seed"),
            "seed", Set.of("users", "orgs", "seed", "manifest"),
            "sample-csv", Set.of("out", "users", "orgs", "seed"));

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        try {
            run(Args.parse(argv, COMMANDS));
        } catch (Args.UsageException e) {
            System.err.println("account-purge: " + e.getMessage());
            System.err.println("commands: demo | purge --config FILE --input FILE [--dry-run true] [--new-run true]"
                    + " | restart --config FILE --execution ID [--after-crash true] | status --config FILE --execution ID"
                    + " | bench [--users N --chunk-size C] | stack | seed [--users N --orgs M --seed S --manifest FILE]"
                    + " | sample-csv [--out FILE]");
            System.exit(2);
        } catch (org.springframework.beans.BeansException e) {
            // Spring Boot has already printed why the application could not start (the file, the key, the problem)
            System.err.println("account-purge: cannot start the job with " + args(argv, "--config")
                    + "; see the description above");
            System.exit(1);
        }
    }

    private static void run(Args args) throws Exception {
        int users = args.integer("users", SeedCommand.DEFAULT_USERS, 20, 1_000_000);
        int orgs = args.integer("orgs", SeedCommand.DEFAULT_ORGS, 4, 100_000);
        long seed = args.integer("seed", (int) SeedCommand.DEFAULT_SEED, 0, Integer.MAX_VALUE);
        switch (args.command()) {
            case "stack" -> {
                LocalStack stack = LocalStack.start(Path.of("target/stack"));
                System.out.println("STACK READY " + stack.endpoints() + " pids=" + stack.serverPids());
                System.out.flush();
                Thread.currentThread().join();
            }
            case "bench" -> System.exit(BenchCommand.run(users, args.integer("chunk-size", 100, 1, 5000), seed));
            case "sample-csv" -> {
                Path out = Path.of(args.get("out", "sample-input/legacy-state-cleanup.csv"));
                SeedCommand.writeSampleCsv(out, users, orgs, seed);
                System.out.println("Wrote " + out);
            }
            case "purge" -> System.exit(PurgeRun.start(Path.of(required(args, "config")),
                    Path.of(required(args, "input")), Boolean.parseBoolean(args.get("new-run", "false")),
                    Boolean.parseBoolean(args.get("dry-run", "false")), Map.of()));
            case "restart" -> System.exit(PurgeRun.restart(Path.of(required(args, "config")),
                    args.integer("execution", 0, 1, Integer.MAX_VALUE),
                    Boolean.parseBoolean(args.get("after-crash", "false")), Map.of()));
            case "status" -> System.exit(PurgeRun.status(Path.of(required(args, "config")),
                    args.integer("execution", 0, 1, Integer.MAX_VALUE), Map.of()));
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
                    }
                }
                System.exit(exit);
            }
            default -> throw new IllegalStateException(args.command());
        }
    }

    private static String args(String[] argv, String option) {
        for (int i = 0; i + 1 < argv.length; i++) {
            if (argv[i].equals(option)) {
                return argv[i + 1];
            }
        }
        return "jobs-config/reference-tenant.yml";
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
