package org.accountpurge.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} (or {@code --name=value}) options after the command word. Flags ({@code --dry-run}) take no
 * value, or exactly {@code true} / {@code false}. Unknown, repeated or malformed options are errors: nothing runs.
 */
public record Args(String command, Map<String, String> options) {

    public static Args parse(String[] argv, Map<String, Set<String>> allowed, Set<String> flags) {
        if (argv.length == 0 || !allowed.containsKey(argv[0])) {
            throw new UsageException("unknown command" + (argv.length == 0 ? "" : " '" + argv[0] + "'"));
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < argv.length; i++) {
            String word = argv[i];
            if (!word.startsWith("--")) {
                throw new UsageException("unexpected argument '" + word + "' (options are --name value)");
            }
            int eq = word.indexOf('=');
            String name = eq < 0 ? word.substring(2) : word.substring(2, eq);
            if (!allowed.get(argv[0]).contains(name)) {
                throw new UsageException("unknown option '--" + name + "' for " + argv[0]);
            }
            if (options.containsKey(name)) {
                throw new UsageException("option --" + name + " is given twice");
            }
            String value;
            if (eq >= 0) {
                value = word.substring(eq + 1);
            } else if (flags.contains(name)) {
                value = i + 1 < argv.length && !argv[i + 1].startsWith("--") ? argv[++i] : "true";
            } else if (i + 1 < argv.length) {
                value = argv[++i];
            } else {
                throw new UsageException("option --" + name + " needs a value");
            }
            if (flags.contains(name) && !value.equals("true") && !value.equals("false")) {
                throw new UsageException("--" + name + " takes no value, or true or false (got '" + value + "')");
            }
            options.put(name, value);
        }
        return new Args(argv[0], options);
    }

    public String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** A flag: present (or {@code true}) means true; the parser has refused any other value. */
    public boolean flag(String name) {
        return "true".equals(options.get(name));
    }

    public int integer(String name, int fallback, int min, int max) {
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

    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
