package org.accountpurge.store.postgres;

import org.accountpurge.sql.SqlText;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.accountpurge.store.StoreException;

/**
 * Where retention queries run: a small pool of its own whose sessions are read-only ({@code SET SESSION
 * CHARACTERISTICS AS TRANSACTION READ ONLY} when the connection opens, read-only transactions, always rolled back),
 * and only single statements. A query that tries to write — directly, through a function, or after a
 * {@code COMMIT} — fails and changes nothing.
 */
public final class ReadOnlyQueries implements AutoCloseable {

    private final HikariDataSource pool;

    public ReadOnlyQueries(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("retention-read-only");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setAutoCommit(false);
        config.setReadOnly(true);
        config.setInitializationFailTimeout(-1); // connect on first use, not when the application starts
        config.setConnectionInitSql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("ApplicationName", "account-purge retention (read-only)");
        this.pool = new HikariDataSource(config);
    }

    /**
     * Runs one statement whose every {@code ?} is bound to {@code ids} (as {@code text[]}) and returns the first
     * column of each row (nulls left out).
     */
    public List<String> ids(String sql, List<String> ids) {
        return query(sql, ids, 1).stream().map(r -> r[0]).toList();
    }

    /** As {@link #ids}, the first two columns of each row (rows with a null left out). */
    public List<String[]> pairs(String sql, List<String> ids) {
        return query(sql, ids, 2);
    }

    /**
     * Runs one statement with named parameters ({@code :name}; a {@code String[]} value is bound as {@code text[]})
     * and returns the first column of each row as text (nulls left out).
     */
    public List<String> named(String sql, Map<String, Object> parameters) {
        String statement = single(sql);
        try (Connection c = pool.getConnection()) {
            try {
                MapSqlParameterSource source = new MapSqlParameterSource();
                for (Map.Entry<String, Object> p : parameters.entrySet()) {
                    source.addValue(p.getKey(), p.getValue() instanceof String[] array
                            ? c.createArrayOf("text", array) : p.getValue());
                }
                List<String> result = new NamedParameterJdbcTemplate(new SingleConnectionDataSource(c, true))
                        .query(statement, source, (rs, n) -> rs.getString(1));
                return result.stream().filter(java.util.Objects::nonNull).toList();
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException(PostgresAccounts.STORE, "read-only query failed: " + e.getSQLState(), e);
        } catch (DataAccessException e) {
            String state = e.getMostSpecificCause() instanceof SQLException cause ? cause.getSQLState() : "?";
            throw new StoreException(PostgresAccounts.STORE, "read-only query failed: " + state, e,
                    e.getMostSpecificCause().getClass().getSimpleName() + " " + state);
        }
    }

    private List<String[]> query(String sql, List<String> ids, int columns) {
        String statement = single(sql);
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                int params = ps.getParameterMetaData().getParameterCount();
                for (int i = 1; i <= params; i++) {
                    ps.setArray(i, c.createArrayOf("text", ids.toArray()));
                }
                List<String[]> result = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.getMetaData().getColumnCount() < columns) {
                        throw new StoreException(PostgresAccounts.STORE, "the query selects "
                                + rs.getMetaData().getColumnCount() + " column(s), " + columns + " are needed", null,
                                "too_few_columns");
                    }
                    while (rs.next()) {
                        String[] row = new String[columns];
                        for (int i = 0; i < columns; i++) {
                            row[i] = rs.getString(i + 1);
                        }
                        if (java.util.Arrays.stream(row).allMatch(java.util.Objects::nonNull)) {
                            result.add(row);
                        }
                    }
                }
                return result;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException(PostgresAccounts.STORE, "read-only query failed: " + e.getSQLState(), e);
        }
    }

    /** The one statement of a configured query; anything else is refused before it reaches the database. */
    private static String single(String sql) {
        String statement = SqlText.singleStatement(sql);
        if (statement == null) {
            throw new StoreException(PostgresAccounts.STORE, "a configured query must be exactly one statement", null,
                    "not_a_single_statement");
        }
        return statement;
    }

    @Override
    public void close() {
        pool.close();
    }
}
