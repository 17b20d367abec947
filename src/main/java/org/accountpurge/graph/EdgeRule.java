package org.accountpurge.graph;

/** What the purge does with rows that reference an account's rows through one foreign key. */
public enum EdgeRule {
    /** Delete the referencing rows, and recursively what references them. */
    DELETE,
    /** Null the referencing column and keep the row. */
    SET_NULL,
    /** An account with such a row is retained; the edge is the reason. */
    PROTECT,
    /** Point the referencing column at the kind's successor account and keep the row (an edge to the root only). */
    REASSIGN;

    /** The rule as it is written in the configuration: {@code delete}, {@code set-null}, {@code protect}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static EdgeRule parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "delete" -> DELETE;
            case "set-null" -> SET_NULL;
            case "protect" -> PROTECT;
            case "reassign" -> REASSIGN;
            default -> throw new IllegalArgumentException("unknown rule '" + text + "' (expected delete, set-null,"
                    + " protect or reassign)");
        };
    }
}
