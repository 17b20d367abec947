package org.accountpurge.candidate;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks and normalises an account id for the SQL type of its root id column, so that only ids that can name a
 * row reach any store: uuid (canonical, lower case), integer types (decimal), text (printable, bounded).
 */
public final class IdFormat {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INTEGER = Pattern.compile("[0-9]{1,18}");
    private static final Pattern TEXT = Pattern.compile("[\\p{Alnum}._@:-]{1,255}");

    private final String sqlType;

    public IdFormat(String sqlType) {
        this.sqlType = sqlType;
    }

    /** The normalised id, or null when {@code raw} is not a valid id of this type. */
    public String normalise(String raw) {
        String id = raw.strip();
        return switch (sqlType) {
            case "uuid" -> UUID_TEXT.matcher(id).matches() ? UUID.fromString(id).toString() : null;
            case "bigint", "integer", "smallint" -> INTEGER.matcher(id).matches() && fits(id) ? String.valueOf(Long.parseLong(id)) : null;
            default -> TEXT.matcher(id).matches() ? id : null;
        };
    }

    private boolean fits(String digits) {
        long v = Long.parseLong(digits);
        return switch (sqlType) {
            case "integer" -> v <= Integer.MAX_VALUE;
            case "smallint" -> v <= Short.MAX_VALUE;
            default -> true;
        };
    }

    public String describe() {
        return sqlType.toLowerCase(Locale.ROOT);
    }
}
