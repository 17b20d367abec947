package org.accountpurge.cli;

/** A command that cannot run as given (an option's value, a missing file): exit 2, nothing started. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
