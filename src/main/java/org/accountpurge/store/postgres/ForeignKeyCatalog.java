package org.accountpurge.store.postgres;

import java.sql.Array;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.accountpurge.graph.ForeignKey;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads foreign keys and column types from PostgreSQL's own catalog. */
public final class ForeignKeyCatalog {

    /**
     * Every foreign key of the database outside PostgreSQL's own schemas; a table of {@code schema} (the first
     * parameter) by its name, a table of another schema as {@code schema.table}.
     */
    private static final String FOREIGN_KEYS = """
            SELECT c.conname,
                   CASE WHEN tn.nspname = ? THEN tc.relname ELSE tn.nspname || '.' || tc.relname END AS tbl,
                   tn.nspname AS tbl_schema, tc.relname AS tbl_name,
                   CASE WHEN rn.nspname = ? THEN rc.relname ELSE rn.nspname || '.' || rc.relname END AS ref_tbl,
                   rn.nspname AS ref_schema, rc.relname AS ref_name,
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
            WHERE c.contype = 'f' AND c.conparentid = 0
              AND tn.nspname <> 'information_schema' AND tn.nspname NOT LIKE 'pg\\_%'
              AND rn.nspname <> 'information_schema' AND rn.nspname NOT LIKE 'pg\\_%'
            ORDER BY 2, c.conname
            """;

    /**
     * The foreign keys, and the SQL name of each table of another schema they name (by its name in the keys,
     * {@code schema.table}).
     */
    public record Keys(List<ForeignKey> keys, Map<String, String> otherSchemaTables) {
    }

    private ForeignKeyCatalog() {
    }

    /**
     * The database's foreign keys as the delete plan names tables: those of {@code schema} by name, those of other
     * schemas (which may reference the tenant's tables too: their rows block or lose an account's rows like any
     * other) as {@code schema.table}.
     */
    public static Keys foreignKeys(JdbcTemplate jdbc, String schema) {
        Map<String, String> others = new TreeMap<>();
        List<ForeignKey> keys = jdbc.query(FOREIGN_KEYS, (rs, n) -> {
            if (!schema.equals(rs.getString("tbl_schema"))) {
                others.put(rs.getString("tbl"), PlanStatements.quote(rs.getString("tbl_schema")) + "."
                        + PlanStatements.quote(rs.getString("tbl_name")));
            }
            if (!schema.equals(rs.getString("ref_schema"))) {
                others.put(rs.getString("ref_tbl"), PlanStatements.quote(rs.getString("ref_schema")) + "."
                        + PlanStatements.quote(rs.getString("ref_name")));
            }
            return new ForeignKey(rs.getString("conname"), rs.getString("tbl"), strings(rs.getArray("cols")),
                    rs.getString("ref_tbl"), strings(rs.getArray("ref_cols")), rs.getBoolean("nullable"),
                    rs.getBoolean("indexed"));
        }, schema, schema);
        return new Keys(keys, Map.copyOf(others));
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

    /**
     * A column of a table, as a scrub needs to know it.
     *
     * @param type      its SQL type, e.g. {@code character varying(255)}
     * @param notNull   whether it is NOT NULL
     * @param text      whether it holds text (a string type)
     * @param maxLength the most characters it holds; null: no limit (or not text)
     * @param unique    whether a unique index is on it alone
     */
    public record Column(String name, String type, boolean notNull, boolean text, Integer maxLength, boolean unique) {
    }

    /** The columns of a table, by name; empty when it does not exist. */
    public static Map<String, Column> columns(JdbcTemplate jdbc, String schema, String table) {
        Map<String, Column> columns = new TreeMap<>();
        jdbc.query("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, t.typcategory = 'S',
                       CASE WHEN a.atttypmod > 4 AND t.typcategory = 'S' THEN a.atttypmod - 4 END,
                       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique
                               AND i.indnatts = 1 AND i.indkey[0] = a.attnum AND i.indpred IS NULL)
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_type t ON t.oid = a.atttypid
                WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                """, (org.springframework.jdbc.core.RowCallbackHandler) rs -> {
            int max = rs.getInt(5);
            boolean noMax = rs.wasNull();
            columns.put(rs.getString(1), new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                    rs.getBoolean(4), noMax ? null : max, rs.getBoolean(6)));
        }, schema, table);
        return columns;
    }

    /**
     * The type to cast ids to for comparing them with a column of {@code declared} type: that type without its length
     * or precision, so that a cast never shortens or rounds an id into another account's ({@code 'abcd'} cast to
     * {@code varchar(3)} is {@code 'abc'}, {@code '12.7'} cast to {@code numeric(5,0)} is 13). {@code character(n)}
     * becomes {@code bpchar} ({@code character} alone means {@code character(1)}).
     */
    public static String castType(String declared) {
        String base = declared.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").trim();
        return base.equals("character") ? "bpchar" : base;
    }

    private static List<String> strings(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
