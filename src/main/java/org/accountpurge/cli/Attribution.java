package org.accountpurge.cli;

import java.util.Set;
import org.accountpurge.audit.ExecutionConfigRecorder;

/**
 * Who runs a command and why ({@code --initiator}, default the OS user; {@code --reason}), recorded with every
 * execution the command starts. The values reach the job as a bean, never as a property: a reason such as
 * {@code ${PURGE_DB_PASSWORD}} is kept as typed, not resolved.
 */
final class Attribution {

    /** Commands that start executions, hence take --initiator and --reason. */
    static final Set<String> COMMANDS = Set.of("purge", "nightly", "restart", "retry-failed", "schedule");

    private static final int MAX_INITIATOR = 100;
    private static final int MAX_REASON = 1000;
    private static final ThreadLocal<ExecutionConfigRecorder.Who> CURRENT = new ThreadLocal<>();

    private Attribution() {
    }

    /**
     * Validates the command's --initiator and --reason and keeps them for the contexts this thread creates. A real
     * (not dry) CSV purge needs a reason.
     */
    static void set(Args args, String process) {
        String initiator = initiator(args);
        String reason = text(args, "reason", null, MAX_REASON);
        if (reason == null && "purge".equals(args.command()) && !args.flag("dry-run")) {
            throw new Args.UsageException("purge needs --reason TEXT: why these accounts are removed (a ticket, a"
                    + " request); it is recorded with the run and printed in its report");
        }
        if (reason == null && "schedule".equals(args.command())) {
            reason = "scheduled nightly purge (purge.schedule)";
        }
        CURRENT.set(new ExecutionConfigRecorder.Who(initiator, reason, args.command(), process));
    }

    /** {@code --initiator}, checked; default the OS user. */
    static String initiator(Args args) {
        return text(args, "initiator", System.getProperty("user.name", "unknown"), MAX_INITIATOR);
    }

    static void clear() {
        CURRENT.remove();
    }

    /** Who runs the command of this thread; null outside a command that starts executions. */
    static ExecutionConfigRecorder.Who current() {
        return CURRENT.get();
    }

    private static String text(Args args, String option, String fallback, int max) {
        String value = args.get(option, null);
        if (value == null) {
            return fallback;
        }
        String stripped = value.strip();
        if (stripped.isEmpty()) {
            throw new Args.UsageException("--" + option + " is empty");
        }
        if (stripped.length() > max) {
            throw new Args.UsageException("--" + option + " is longer than " + max + " characters");
        }
        if (stripped.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            throw new Args.UsageException("--" + option + " contains control characters (line breaks, escapes):"
                    + " give it on one line");
        }
        return stripped;
    }
}
