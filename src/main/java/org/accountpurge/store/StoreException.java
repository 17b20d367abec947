package org.accountpurge.store;

/** A store (PostgreSQL, Elasticsearch, Keycloak) did not answer or refused a request as a whole. */
public class StoreException extends RuntimeException {
    private final String store;
    private final String errorType;

    public StoreException(String store, String message, Throwable cause) {
        this(store, message, cause, cause == null ? "StoreException" : cause.getClass().getSimpleName());
    }

    /** @param errorType what went wrong, for the step log: an error type or class, never data */
    public StoreException(String store, String message, Throwable cause, String errorType) {
        super(store + ": " + message, cause);
        this.store = store;
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }

    public String store() {
        return store;
    }
}
