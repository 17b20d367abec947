package org.accountpurge.cli;

/** The job configuration, or what it refers to, cannot be used: nothing was started or recorded (exit code 2). */
final class ConfigurationException extends RuntimeException {

    ConfigurationException(String message) {
        super(message);
    }

    ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
