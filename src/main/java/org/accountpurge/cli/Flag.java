package org.accountpurge.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value of a flag option ({@code --dry-run}): the flag alone or {@code true} turns it on, {@code false} off, and
 * any other value ({@code yes}, {@code TRUE}, {@code 1}, an empty one) is a command-line error, so that
 * {@code --dry-run yes} can never run for real. A type of its own: picocli would take {@code yes} after a boolean
 * flag for a stray argument.
 */
record Flag(boolean on) {

    static final Flag OFF = new Flag(false);

    /** Reads {@code true} and {@code false}, exactly. */
    static final class Strict implements ITypeConverter<Flag> {
        @Override
        public Flag convert(String value) {
            return switch (value) {
                case "true" -> new Flag(true);
                case "false" -> OFF;
                default -> throw new TypeConversionException("takes no value, or true or false (got '" + value + "')");
            };
        }
    }
}
