package org.accountpurge.purge;

/** A store failed for some accounts of a chunk: the chunk rolls back, the step fails, a restart redoes it. */
public class PurgeFailedException extends RuntimeException {

    public PurgeFailedException(String store, String target, int accounts, String errorType, Throwable cause) {
        super(store + " failed on " + target + " for " + accounts + " account(s): " + errorType
                + " (see purge.step_log; restart the execution once the store is healthy)", cause);
    }

    /** The run as a whole must stop (too many failed accounts). */
    public PurgeFailedException(String message) {
        super(message);
    }

    public PurgeFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
