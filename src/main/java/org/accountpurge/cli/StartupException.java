package org.accountpurge.cli;

/** The application could not start; nothing was recorded. */
final class StartupException extends RuntimeException {
    private final boolean configuration;

    StartupException(String message, boolean configuration) {
        super(message);
        this.configuration = configuration;
    }

    int exitCode() {
        return configuration ? ExitCode.NOT_STARTED : ExitCode.FAILED;
    }
}
