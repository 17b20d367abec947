package org.accountpurge.store.postgres;

import java.sql.Array;
import java.sql.SQLException;
import java.util.List;
import org.accountpurge.graph.ForeignKey;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads foreign keys and column types from PostgreSQL's own catalog. */
public final class ForeignKeyCatalog {

    private static final String FOREIGN_KEYS = """
            SELECT c.conname,
                   tc.relname AS tbl,
                   rc.relname AS ref_tbl,
                   ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.ord) AS cols,
                   ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_cols,
                   NOT EXISTS (SELECT 1 FROM unnest(c.conkey) k(num)
                               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
                               WHERE a.attnotnull) AS nullable,
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1]) AS indexed
            FROM pg_constraint c
            JOIN pg_class tc ON tc.oid = c.conrelid
            JOIN pg_namespace tn ON tn.oid = tc.relnamespace
            JOIN pg_class rc ON rc.oid = c.confrelid
            JOIN pg_namespace rn ON rn.oid = rc.relnamespace
            WHERE c.contype = 'f' AND tn.nspname = ? AND rn.nspname = ?
            ORDER BY tc.relname, c.conname
            """;

    private ForeignKeyCatalog() {
    }

    /** Foreign keys between tables of {@code schema} (keys to or from other schemas are not followed). */
    public static List<ForeignKey> foreignKeys(JdbcTemplate jdbc, String schema) {
        return jdbc.query(FOREIGN_KEYS, (rs, n) -> new ForeignKey(rs.getString("conname"), rs.getString("tbl"),
                strings(rs.getArray("cols")), rs.getString("ref_tbl"), strings(rs.getArray("ref_cols")),
                rs.getBoolean("nullable"), rs.getBoolean("indexed")), schema, schema);
    }

    /** The SQL type of a column, e.g. {@code uuid} or {@code bigint}; null when the table or column does not exist. */
    public static String columnType(JdbcTemplate jdbc, String schema, String table, String column) {
        List<String> types = jdbc.queryForList("""
                SELECT format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped
                """, String.class, schema, table, column);
        return types.isEmpty() ? null : types.get(0);
    }

    private static List<String> strings(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
