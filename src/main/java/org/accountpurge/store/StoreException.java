package org.accountpurge.store;

/** A store (PostgreSQL, Elasticsearch, Keycloak) did not answer or refused a request as a whole. */
public class StoreException extends RuntimeException {
    private final String store;

    public StoreException(String store, String message, Throwable cause) {
        super(store + ": " + message, cause);
        this.store = store;
    }

    public String store() {
        return store;
    }
}
