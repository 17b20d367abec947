package org.accountpurge.account;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks and normalises an account id for the SQL type of its root id column, so that only ids that can name a
 * row reach any store: uuid (canonical, lower case), integer types (decimal, in the type's range) and numeric (whole
 * numbers), text (printable, bounded, no longer than a {@code character varying(n)} or {@code character(n)} column
 * holds).
 */
public final class IdFormat {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,38}");
    private static final Pattern TEXT = Pattern.compile("[\\p{Alnum}._@:+-]{1,255}");
    private static final Pattern LENGTH = Pattern.compile("(?:character varying|character|varchar|bpchar)\\((\\d+)\\)");

    private final String sqlType;
    /** The most characters the column holds (an id longer than that is no id of it). */
    private final int maxLength;

    public IdFormat(String sqlType) {
        this.sqlType = sqlType;
        java.util.regex.Matcher length = LENGTH.matcher(sqlType);
        this.maxLength = length.matches() ? Integer.parseInt(length.group(1)) : Integer.MAX_VALUE;
    }

    /** The normalised id, or null when {@code raw} is not a valid id of this type. */
    public String normalise(String raw) {
        String id = raw.strip();
        return switch (sqlType) {
            case "uuid" -> canonicalUuid(id);
            case "bigint", "integer", "smallint" -> INTEGER.matcher(id).matches() ? whole(id) : null;
            default -> sqlType.startsWith("numeric")
                    ? NUMERIC.matcher(id).matches() ? new java.math.BigInteger(id).toString() : null
                    : TEXT.matcher(id).matches() && id.length() <= maxLength ? id : null;
        };
    }

    /**
     * The uuid in canonical form (36 hex digits and hyphens as 8-4-4-4-12, lower case), or null: what matching a regex
     * and printing {@code UUID.fromString} gave, without a regex and two objects per id (millions of lines).
     */
    public static String canonicalUuid(String id) {
        if (id.length() != 36) {
            return null;
        }
        boolean lower = true;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
            } else if (c >= 'A' && c <= 'F') {
                lower = false;
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return lower ? id : id.toLowerCase(Locale.ROOT);
    }

    /** The number in decimal without leading zeros, or null when the column's type cannot hold it. */
    private String whole(String digits) {
        long v;
        try {
            v = Long.parseLong(digits);
        } catch (NumberFormatException e) { // beyond bigint
            return null;
        }
        boolean fits = switch (sqlType) {
            case "integer" -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case "smallint" -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            default -> true;
        };
        return fits ? String.valueOf(v) : null;
    }

    public String describe() {
        return sqlType.toLowerCase(Locale.ROOT);
    }
}
