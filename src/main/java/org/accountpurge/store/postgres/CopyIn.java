package org.accountpurge.store.postgres;

import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Appends rows to a table of the tool's own schema with PostgreSQL's {@code COPY … FROM STDIN} on the connection of
 * the current transaction: one round trip and no statement to parse or bind per row (a batch of multi-row INSERTs of
 * the step log's thousands of rows a chunk cost several times more). Values are written as CSV: a null is an unquoted
 * empty field (NULL), every other value quoted, so no text can break out of its field.
 */
public final class CopyIn {

    private CopyIn() {
    }

    /**
     * Copies {@code rows} (values in {@code columns} order: numbers or text, null for NULL) into {@code table}; returns
     * the number of rows copied. Nothing is sent for no rows.
     */
    public static long rows(JdbcTemplate jdbc, String table, List<String> columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        StringBuilder csv = new StringBuilder(rows.size() * 16 * columns.size());
        for (Object[] row : rows) {
            if (row.length != columns.size()) {
                throw new IllegalArgumentException(row.length + " values for " + columns.size() + " columns of " + table);
            }
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    csv.append(',');
                }
                field(csv, row[i]);
            }
            csv.append('\n');
        }
        return csv(jdbc, table, columns, csv);
    }

    /**
     * Copies rows already written as CSV (one line per row, fields as {@link #quoted} writes text) into
     * {@code table}: for callers that write millions of rows and build the text themselves.
     */
    public static long csv(JdbcTemplate jdbc, String table, List<String> columns, CharSequence csv) {
        if (csv.isEmpty()) {
            return 0;
        }
        String copy = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT csv)";
        Long copied = jdbc.execute((ConnectionCallback<Long>) con -> {
            try {
                return con.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, new StringReader(csv.toString()));
            } catch (IOException e) {
                throw new SQLException("COPY into " + table + " failed", e);
            }
        });
        return copied == null ? 0 : copied;
    }

    /** Appends {@code text} as one quoted CSV field (quotes doubled): never NULL, never more than one field. */
    public static StringBuilder quoted(StringBuilder out, String text) {
        return out.append('"').append(text.indexOf('"') < 0 ? text : text.replace("\"", "\"\"")).append('"');
    }

    private static void field(StringBuilder out, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Number) {
            out.append(value);
            return;
        }
        quoted(out, value.toString());
    }
}
