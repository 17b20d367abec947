package org.accountpurge.store;

import java.util.Set;

/**
 * Which store errors are worth retrying: the store did not answer or was busy (a timeout, a refused or lost
 * connection, HTTP 429 or 5xx — a search server's error document with such a status too, {@code HTTP 503
 * unavailable_shards_exception} —, Elasticsearch's rejected execution, PostgreSQL's connection and serialization
 * failures). Everything else — 4xx for one account, a constraint, a refused client — is permanent.
 */
public final class ErrorClass {

    private static final Set<String> TRANSIENT = Set.of("timeout", "connection_refused",
            "not_attempted_keycloak_unreachable", "es_rejected_execution_exception", "circuit_breaking_exception",
            "SocketTimeoutException", "ConnectException", "ConnectionClosedException", "SocketException",
            "NoHttpResponseException", "IOException");

    private ErrorClass() {
    }

    /**
     * Whether a call that failed so may still have been done by the store, its answer lost (a timeout, a connection
     * lost after the request went): what it did is unknown. A refused connection, an HTTP status and an account not
     * attempted are known not to have removed anything.
     */
    public static boolean isUnanswered(String errorClass) {
        return errorClass != null && Set.of("timeout", "SocketTimeoutException", "ConnectionClosedException",
                "SocketException", "NoHttpResponseException", "IOException").contains(errorClass);
    }

    /**
     * Whether the database chose this transaction to lose a lock conflict (a deadlock, a serialization failure):
     * worth redoing at once from a savepoint, since another transaction — a partition working beside it — holds what
     * it needs and will let go.
     */
    public static boolean isLockConflict(String errorClass) {
        return errorClass != null && (errorClass.endsWith(" 40P01") || errorClass.endsWith(" 40001"));
    }

    /** @param errorClass what the step log records: {@code HTTP 503}, {@code timeout}, {@code PSQLException 08006}… */
    public static boolean isTransient(String errorClass) {
        if (errorClass == null) {
            return false;
        }
        if (TRANSIENT.contains(errorClass) || errorClass.equals("HTTP 429") || errorClass.startsWith("HTTP 429 ")
                || errorClass.startsWith("HTTP 5")) {
            return true;
        }
        int space = errorClass.lastIndexOf(' ');
        String sqlState = space < 0 ? "" : errorClass.substring(space + 1);
        return sqlState.startsWith("08") || sqlState.equals("40001") || sqlState.equals("40P01")
                || sqlState.equals("57P01");
    }
}
