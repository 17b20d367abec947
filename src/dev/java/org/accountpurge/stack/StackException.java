package org.accountpurge.stack;

/** A server of the local stack could not be resolved, unpacked, started or stopped. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
