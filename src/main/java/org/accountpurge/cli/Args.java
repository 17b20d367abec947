package org.accountpurge.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options after the command word; unknown or malformed options are errors. */
record Args(String command, Map<String, String> options) {

    static Args parse(String[] argv, Map<String, Set<String>> allowed) {
        if (argv.length == 0 || !allowed.containsKey(argv[0])) {
            throw new UsageException("unknown command" + (argv.length == 0 ? "" : " '" + argv[0] + "'"));
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            String name = argv[i];
            if (!name.startsWith("--") || !allowed.get(argv[0]).contains(name.substring(2))) {
                throw new UsageException("unknown option '" + name + "' for " + argv[0]);
            }
            if (i + 1 >= argv.length) {
                throw new UsageException("option " + name + " needs a value");
            }
            options.put(name.substring(2), argv[++i]);
        }
        return new Args(argv[0], options);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + " (got " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number (got '" + v + "')");
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
