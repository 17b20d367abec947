package org.accountpurge.cli;

import org.accountpurge.audit.ExecutionConfigRecorder;

/**
 * Who runs a command and why ({@code --initiator}, default the OS user; {@code --reason}), recorded with every
 * execution the command starts. The values reach the job as a bean, never as a property: a reason such as
 * {@code ${PURGE_DB_PASSWORD}} is kept as typed, not resolved.
 */
final class Attribution {

    private static final int MAX_INITIATOR = 100;
    private static final int MAX_REASON = 1000;
    private static final ThreadLocal<ExecutionConfigRecorder.Who> CURRENT = new ThreadLocal<>();

    private Attribution() {
    }

    /**
     * Validates a command's --initiator and --reason and keeps them for the contexts this thread creates.
     *
     * @param reasonRequired a real (not dry) CSV purge needs a reason
     */
    static void set(String command, String initiator, String reason, boolean reasonRequired, String process) {
        String by = initiator(initiator);
        String why = text("reason", reason, null, MAX_REASON);
        if (why == null && reasonRequired) {
            throw new UsageException(command + " needs --reason TEXT: why these accounts are removed (a ticket, a"
                    + " request); it is recorded with the run and printed in its report");
        }
        if (why == null && "schedule".equals(command)) {
            why = "scheduled nightly purge (purge.schedule)";
        }
        CURRENT.set(new ExecutionConfigRecorder.Who(by, why, command, process));
    }

    /** {@code --initiator}, checked; default the OS user. */
    static String initiator(String initiator) {
        return text("initiator", initiator, System.getProperty("user.name", "unknown"), MAX_INITIATOR);
    }

    /** {@code --reason}, checked; null when not given. */
    static String reason(String reason) {
        return text("reason", reason, null, MAX_REASON);
    }

    static void clear() {
        CURRENT.remove();
    }

    /** Who runs the command of this thread; null outside a command that starts executions. */
    static ExecutionConfigRecorder.Who current() {
        return CURRENT.get();
    }

    private static String text(String option, String value, String fallback, int max) {
        if (value == null) {
            return fallback;
        }
        String stripped = value.strip();
        if (stripped.isEmpty()) {
            throw new UsageException("--" + option + " is empty");
        }
        if (stripped.length() > max) {
            throw new UsageException("--" + option + " is longer than " + max + " characters");
        }
        if (stripped.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            throw new UsageException("--" + option + " contains control characters (line breaks, escapes):"
                    + " give it on one line");
        }
        return stripped;
    }
}
