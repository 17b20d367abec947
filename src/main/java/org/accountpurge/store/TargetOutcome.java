package org.accountpurge.store;

/**
 * What one store did for one account on one target (a table, an index, a realm): the unit of the step log.
 *
 * @param action     deleted, nulled, disabled, absent (nothing there: already gone or never had any), failed, or
 *                   present (a verification found something left)
 * @param count      rows or documents affected
 * @param errorClass for failures, the class or type of the error (never its message, which may hold data)
 */
public record TargetOutcome(Action action, long count, String errorClass) {

    /** PRESENT is what a verification finds still there; the others are what a call did. */
    public enum Action { DELETED, NULLED, DISABLED, ABSENT, FAILED, PRESENT }

    public static TargetOutcome deleted(long count) {
        return count == 0 ? absent() : new TargetOutcome(Action.DELETED, count, null);
    }

    public static TargetOutcome nulled(long count) {
        return new TargetOutcome(Action.NULLED, count, null);
    }

    public static TargetOutcome disabled() {
        return new TargetOutcome(Action.DISABLED, 1, null);
    }

    public static TargetOutcome absent() {
        return new TargetOutcome(Action.ABSENT, 0, null);
    }

    /** Found by a verification: {@code count} rows or documents still there (absent when none). */
    public static TargetOutcome present(long count) {
        return count == 0 ? absent() : new TargetOutcome(Action.PRESENT, count, null);
    }

    public static TargetOutcome failed(String errorClass) {
        return new TargetOutcome(Action.FAILED, 0, errorClass);
    }

    public boolean isFailure() {
        return action == Action.FAILED;
    }

    /** Adds what a second request did for the same account and target. */
    public TargetOutcome plus(TargetOutcome other) {
        if (isFailure()) {
            return this;
        }
        if (other.isFailure()) {
            return other;
        }
        long total = count + other.count;
        if (action == Action.ABSENT) {
            return other.action == Action.ABSENT ? this : new TargetOutcome(other.action, total, null);
        }
        return new TargetOutcome(action, total, null);
    }
}
