package org.accountpurge.graph;

import java.util.List;

/**
 * A foreign key as PostgreSQL's catalog describes it: {@code table(columns) -> refTable(refColumns)}.
 *
 * @param nullable true when every FK column may be NULL (set-null is possible)
 * @param indexed  true when an index starts with the FK's first column
 */
public record ForeignKey(String name, String table, List<String> columns, String refTable, List<String> refColumns,
                         boolean nullable, boolean indexed) {

    public ForeignKey {
        columns = List.copyOf(columns);
        refColumns = List.copyOf(refColumns);
        if (columns.isEmpty() || columns.size() != refColumns.size()) {
            throw new IllegalArgumentException("foreign key " + name + " has mismatched columns");
        }
    }

    /** How configuration names this edge: {@code table.column}, or {@code table.a+b} for a composite key. */
    public String edge() {
        return table + "." + String.join("+", columns);
    }

    public boolean selfReference() {
        return table.equals(refTable);
    }
}
