package org.accountpurge.store.postgres;

/** The key of hashed scrub columns ({@code purge.scrub.hash-key}): handed to the database per transaction, never printed. */
public final class ScrubKey {

    private final String value;

    private ScrubKey(String value) {
        this.value = value;
    }

    /** The key, or null when none is configured. */
    public static ScrubKey of(String value) {
        return value == null || value.isBlank() ? null : new ScrubKey(value);
    }

    String value() {
        return value;
    }

    @Override
    public String toString() {
        return "(set)";
    }
}
