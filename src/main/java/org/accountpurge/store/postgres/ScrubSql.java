package org.accountpurge.store.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.accountpurge.graph.ScrubColumn;

/**
 * The SQL of a scrub of the root row ({@code a0}, joined to the accounts as {@code acc}): what each column is set to,
 * and when a row counts as scrubbed already (so that a second run changes nothing, and the verification finds any
 * column still holding what it held). The hash key comes from the transaction's setting {@link #KEY_SETTING}, never
 * from the SQL text.
 */
final class ScrubSql {

    /** The transaction-local setting that holds the hash key while a chunk scrubs. */
    static final String KEY_SETTING = "purge.scrub_hash_key";

    /** What a hashed value looks like: the hex SHA-256, 64 characters. */
    private static final String HASHED = "'^[0-9a-f]{64}$'";

    private final List<ScrubColumn> columns;
    private final Map<String, ForeignKeyCatalog.Column> table;

    ScrubSql(List<ScrubColumn> columns, Map<String, ForeignKeyCatalog.Column> table) {
        this.columns = List.copyOf(columns);
        this.table = table;
    }

    /** Whether a column is hashed: the chunk must hand the key to its transaction first. */
    boolean hashes() {
        return columns.stream().anyMatch(c -> c.as() == ScrubColumn.As.HASH);
    }

    /** The SET list of the scrub's UPDATE. */
    String set() {
        return String.join(", ", columns.stream().map(c -> PlanStatements.quote(c.column()) + " = " + value(c)).toList());
    }

    /** True when every scrubbed column of the row holds what the scrub puts there. */
    String done() {
        return String.join(" AND ", columns.stream().map(this::isDone).toList());
    }

    private String value(ScrubColumn c) {
        String column = "a0." + PlanStatements.quote(c.column());
        return switch (c.as()) {
            case CLEARED -> "NULL";
            case VALUE -> template(c);
            case HASH -> "CASE WHEN " + column + " IS NULL OR " + column + "::text ~ " + HASHED + " THEN " + column
                    + " ELSE CAST(encode(sha256(convert_to(current_setting('" + KEY_SETTING + "') || ':' || " + column
                    + "::text, 'UTF8')), 'hex') AS " + type(c) + ") END";
        };
    }

    private String isDone(ScrubColumn c) {
        String column = "a0." + PlanStatements.quote(c.column());
        return switch (c.as()) {
            case CLEARED -> column + " IS NULL";
            case VALUE -> column + " IS NOT DISTINCT FROM " + template(c);
            case HASH -> "(" + column + " IS NULL OR " + column + "::text ~ " + HASHED + ")";
        };
    }

    /** The value with {@code {id}} replaced by the account id, cast to the column's type. */
    private String template(ScrubColumn c) {
        List<String> parts = new ArrayList<>();
        String[] pieces = c.value().split(java.util.regex.Pattern.quote(ScrubColumn.ID), -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                parts.add("acc.account_id::text");
            }
            if (!pieces[i].isEmpty() || pieces.length == 1) {
                parts.add("'" + pieces[i].replace("'", "''") + "'");
            }
        }
        return "CAST(" + String.join(" || ", parts) + " AS " + type(c) + ")";
    }

    private String type(ScrubColumn c) {
        ForeignKeyCatalog.Column column = table.get(c.column());
        return column == null ? "text" : column.type();
    }

    /**
     * Why this scrub cannot run on the table (the preflight's words, each naming {@code key}); empty when it can.
     *
     * @param kept    the columns that tie the rows to the account (the account id; a dependant's foreign key),
     *                which a scrub keeps
     * @param perRow  the account may have many rows here (a dependant table): a value in a unique column would repeat
     */
    List<String> problems(String key, String tableName, java.util.Set<String> kept, boolean perRow) {
        List<String> problems = new ArrayList<>();
        for (ScrubColumn c : columns) {
            ForeignKeyCatalog.Column column = table.get(c.column());
            String name = key + " column " + c.column();
            if (column == null) {
                problems.add(name + ": the table " + tableName + " has no such column");
            } else if (kept.contains(c.column())) {
                problems.add(name + ": it " + (perRow ? "ties the rows to the account" : "is the account id")
                        + ", which a scrubbed row keeps");
            } else if (c.as() == ScrubColumn.As.CLEARED && column.notNull()) {
                problems.add(name + ": it is NOT NULL and cannot be cleared (scrub it as: value)");
            } else if (c.as() == ScrubColumn.As.HASH && (!column.text() || column.maxLength() != null
                    && column.maxLength() < 64)) {
                problems.add(name + ": as: hash needs a text column of at least 64 characters (it is "
                        + column.type() + ")");
            } else if (perRow && c.as() == ScrubColumn.As.VALUE && column.unique()) {
                problems.add(name + ": it has a unique index, and an account's rows would all get the same value");
            } else if (c.sameForEveryAccount() && column.unique()) {
                problems.add(name + ": it has a unique index, and the value is the same for every account (put "
                        + ScrubColumn.ID + " in it)");
            }
        }
        return problems;
    }
}
