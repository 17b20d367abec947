package org.accountpurge.cli;

/** The exit codes every command shares ({@code account-purge --help} lists them). */
final class ExitCode {

    static final int COMPLETED = 0;
    /** Failed, restartable. */
    static final int FAILED = 1;
    /** Nothing started: the command line, the configuration, the preflight, an execution the tenant does not have. */
    static final int NOT_STARTED = 2;
    /** Refused: another run holds the tenant, a completed or unfinished run, nothing to stop. */
    static final int REFUSED = 3;
    static final int COMPLETED_WITH_FAILED_ACCOUNTS = 4;
    /** The run's window closed: STOPPED between chunks, restartable. */
    static final int STOPPED_BY_WINDOW = 5;

    private ExitCode() {
    }
}
