package org.accountpurge.store;

/**
 * A store (PostgreSQL, Elasticsearch, Keycloak) did not answer or refused a request as a whole. It may carry what the
 * store had already done in the same call ({@link #partial()}), and the target the failure concerns.
 */
public class StoreException extends RuntimeException {
    private final String store;
    private final String errorType;
    private final String target;
    private final StoreOutcomes partial;

    public StoreException(String store, String message, Throwable cause) {
        this(store, message, cause, cause == null ? "StoreException" : cause.getClass().getSimpleName());
    }

    /** @param errorType what went wrong, for the step log: an error type or class, never data */
    public StoreException(String store, String message, Throwable cause, String errorType) {
        this(store, message, cause, errorType, null, StoreOutcomes.none());
    }

    private StoreException(String store, String message, Throwable cause, String errorType, String target,
                           StoreOutcomes partial) {
        super(message.startsWith(store + ": ") ? message : store + ": " + message, cause);
        this.store = store;
        this.errorType = errorType;
        this.target = target;
        this.partial = partial;
    }

    /** This failure, concerning {@code target}, after the call had done {@code partial}. */
    public StoreException at(String target, StoreOutcomes partial) {
        StoreException e = new StoreException(store, getMessage(), getCause(), errorType, target, partial);
        e.setStackTrace(getStackTrace());
        return e;
    }

    public String errorType() {
        return errorType;
    }

    public String store() {
        return store;
    }

    /** The table, index or realm the failure concerns, or null when it concerns the whole call. */
    public String target() {
        return target;
    }

    /** What the call did before it failed (to be recorded as done). */
    public StoreOutcomes partial() {
        return partial;
    }
}
