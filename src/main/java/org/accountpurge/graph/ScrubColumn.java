package org.accountpurge.graph;

/**
 * What a scrub does to one column of an account's row that is kept ({@code purge.scrub}).
 *
 * @param column the column
 * @param as     cleared (SQL NULL), a value ({@code {id}} in it stands for the account id), or a keyed hash of the
 *               value it holds
 * @param value  the value of {@link As#VALUE}; null otherwise
 */
public record ScrubColumn(String column, As as, String value) {

    /** How the column is scrubbed. */
    public enum As {
        /** set to NULL */
        CLEARED,
        /** set to a constant or a template ({@code deleted-{id}@invalid}) */
        VALUE,
        /** replaced by the hex SHA-256 of the scrub key and the value (NULL stays NULL) */
        HASH
    }

    /** The placeholder of the account id in a {@link As#VALUE}. */
    public static final String ID = "{id}";

    /** Whether two accounts get the same value: a constant (no {@code {id}}), or NULL. */
    public boolean sameForEveryAccount() {
        return as == As.VALUE && !value.contains(ID);
    }
}
