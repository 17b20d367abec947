package org.accountpurge.store;

/**
 * What one store did for one account on one target (a table, an index, a realm): the unit of the step log.
 *
 * @param action     deleted, nulled, disabled, absent (nothing there: already gone or never had any), failed, or
 *                   present (a verification found something left)
 * @param count      rows or documents affected
 * @param errorClass for failures, the class or type of the error (never its message, which may hold data)
 * @param alongside  for a failure, what the same calls did for the account on this target all the same (documents
 *                   deleted before one was refused, a second Keycloak user disabled), or null when nothing: the step
 *                   log records it as a row of its own, so that nothing that went is recorded nowhere
 */
public record TargetOutcome(Action action, long count, String errorClass, TargetOutcome alongside) {

    /** PRESENT is what a verification finds still there; the others are what a call did. */
    public enum Action { DELETED, NULLED, REASSIGNED, PROMOTED, SCRUBBED, DISABLED, ABSENT, FAILED, PRESENT }

    /**
     * The actions that changed something of an account, as an SQL list for the queries over the step log: an account
     * with one of them in a run was purged by it.
     */
    public static final String CHANGED_SQL = "('DELETED', 'NULLED', 'REASSIGNED', 'PROMOTED', 'SCRUBBED', 'DISABLED')";

    public static TargetOutcome deleted(long count) {
        return count == 0 ? absent() : new TargetOutcome(Action.DELETED, count, null, null);
    }

    public static TargetOutcome nulled(long count) {
        return new TargetOutcome(Action.NULLED, count, null, null);
    }

    /** Rows kept, their column pointed at the kind's successor account. */
    public static TargetOutcome reassigned(long count) {
        return new TargetOutcome(Action.REASSIGNED, count, null, null);
    }

    /** Groups the account was the last admin of, each handed to another member. */
    public static TargetOutcome promoted(long groups) {
        return new TargetOutcome(Action.PROMOTED, groups, null, null);
    }

    /** The account's own row kept, its configured columns anonymised (none: it was scrubbed already, or is gone). */
    public static TargetOutcome scrubbed(long count) {
        return count == 0 ? absent() : new TargetOutcome(Action.SCRUBBED, count, null, null);
    }

    /** {@code count} rows, documents or groups {@code action} took (DELETED, NULLED, REASSIGNED, PROMOTED, SCRUBBED). */
    public static TargetOutcome of(Action action, long count) {
        return switch (action) {
            case DELETED -> deleted(count);
            case NULLED -> nulled(count);
            case REASSIGNED -> reassigned(count);
            case PROMOTED -> promoted(count);
            case SCRUBBED -> scrubbed(count);
            default -> throw new IllegalArgumentException(action + " does not count rows");
        };
    }

    /** What a verification found (PRESENT n) as what a removal would do to it ({@code action} n); others as they are. */
    public TargetOutcome wouldBe(Action action) {
        return this.action == Action.PRESENT ? of(action, count) : this;
    }

    public static TargetOutcome disabled() {
        return new TargetOutcome(Action.DISABLED, 1, null, null);
    }

    public static TargetOutcome absent() {
        return new TargetOutcome(Action.ABSENT, 0, null, null);
    }

    /**
     * The step log's note on an ABSENT that follows an attempt of the same run whose answer never came (killed,
     * timed out): that attempt may have removed it, or it was gone before; the store cannot tell which.
     */
    public static final String AFTER_UNANSWERED_ATTEMPT = "after_unanswered_attempt";

    /** This ABSENT noted as following an attempt whose answer never came (any other outcome as it is). */
    public TargetOutcome afterUnansweredAttempt() {
        return action == Action.ABSENT ? new TargetOutcome(Action.ABSENT, 0, AFTER_UNANSWERED_ATTEMPT, null) : this;
    }

    /** Found by a verification: {@code count} rows or documents still there (absent when none). */
    public static TargetOutcome present(long count) {
        return count == 0 ? absent() : new TargetOutcome(Action.PRESENT, count, null, null);
    }

    public static TargetOutcome failed(String errorClass) {
        return new TargetOutcome(Action.FAILED, 0, errorClass, null);
    }

    public boolean isFailure() {
        return action == Action.FAILED;
    }

    /**
     * Adds what a second request did for the same account and target. A failure stays a failure (the first error),
     * and keeps what went besides it in {@link #alongside}.
     */
    public TargetOutcome plus(TargetOutcome other) {
        if (isFailure()) {
            return new TargetOutcome(action, 0, errorClass, sum(alongside, other.isFailure() ? other.alongside : other));
        }
        if (other.isFailure()) {
            return new TargetOutcome(other.action, 0, other.errorClass, sum(this, other.alongside));
        }
        long total = count + other.count;
        if (action == Action.ABSENT) {
            return other.action == Action.ABSENT ? this : new TargetOutcome(other.action, total, null, null);
        }
        return new TargetOutcome(action, total, null, null);
    }

    /** Two outcomes that are not failures added up; null for nothing, and an ABSENT alongside a failure is nothing. */
    private static TargetOutcome sum(TargetOutcome a, TargetOutcome b) {
        TargetOutcome total = a == null ? b : b == null ? a : a.plus(b);
        return total == null || total.action == Action.ABSENT ? null : total;
    }
}
