package org.accountpurge.graph;

/** What the purge does with rows that reference an account's rows through one foreign key. */
public enum EdgeRule {
    /** Delete the referencing rows, and recursively what references them. */
    DELETE,
    /** Null the referencing column and keep the row. */
    SET_NULL,
    /** An account with such a row is retained; the edge is the reason. */
    PROTECT;

    /** The rule as it is written in the configuration: {@code delete}, {@code set-null}, {@code protect}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static EdgeRule parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "delete" -> DELETE;
            case "set-null" -> SET_NULL;
            case "protect" -> PROTECT;
            default -> throw new IllegalArgumentException("unknown rule '" + text + "' (expected delete, set-null or protect)");
        };
    }
}
