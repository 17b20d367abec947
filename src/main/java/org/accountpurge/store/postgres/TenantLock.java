package org.accountpurge.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.accountpurge.store.StoreException;

/**
 * One purge at a time per tenant (database and schema), across processes and machines: a PostgreSQL session-level
 * advisory lock held on a connection of its own for the whole execution. PostgreSQL releases it when that session
 * ends, so a killed process (kill -9, machine lost) never leaves it held.
 */
public final class TenantLock implements AutoCloseable {

    /** First key of every lock of this tool ("purg"); the second is the tenant schema's hash. */
    private static final int TOOL_KEY = 0x70757267;

    private final Connection connection;
    private final int tenantKey;

    private TenantLock(Connection connection, int tenantKey) {
        this.connection = connection;
        this.tenantKey = tenantKey;
    }

    /** Takes the tenant's lock if no other session holds it; empty when another one does. */
    public static java.util.Optional<TenantLock> tryAcquire(DataSource dataSource, String schema) {
        int key = keyOf(schema);
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                ps.setInt(1, TOOL_KEY);
                ps.setInt(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return java.util.Optional.of(new TenantLock(c, key));
                    }
                }
            }
            c.close();
            return java.util.Optional.empty();
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException(PostgresAccounts.STORE, "cannot take the tenant's purge lock: " + e.getSQLState(), e);
        }
    }

    /**
     * Who holds the tenant's lock, as PostgreSQL sees the sessions: application name (which names the process),
     * client address and since when; empty when nobody does.
     */
    public static List<String> holders(DataSource dataSource, String schema) {
        List<String> holders = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT a.application_name, coalesce(host(a.client_addr),"
                     + " 'local socket'), date_trunc('second', a.backend_start) FROM pg_locks l JOIN pg_stat_activity a"
                     + " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::bigint::oid"
                     + " AND l.objid = ?::bigint::oid AND l.objsubid = 2")) {
            ps.setLong(1, Integer.toUnsignedLong(TOOL_KEY));
            ps.setLong(2, Integer.toUnsignedLong(keyOf(schema)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holders.add("'" + rs.getString(1) + "' from " + rs.getString(2) + " since " + rs.getString(3));
                }
            }
        } catch (SQLException e) {
            holders.add("(cannot read pg_locks: " + e.getSQLState() + ")");
        }
        return holders;
    }

    /**
     * Whether some session holds the tenant's lock: the execution that took it is alive (a killed process's session
     * ended and released it).
     *
     * @throws StoreException when the database cannot be asked
     */
    public static boolean heldByAnyone(DataSource dataSource, String schema) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND"
                     + " granted AND classid = ?::bigint::oid AND objid = ?::bigint::oid AND objsubid = 2")) {
            ps.setLong(1, Integer.toUnsignedLong(TOOL_KEY));
            ps.setLong(2, Integer.toUnsignedLong(keyOf(schema)));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new StoreException(PostgresAccounts.STORE, "cannot read the tenant's purge lock: " + e.getSQLState(), e);
        }
    }

    /** Whether this lock's session is alive and still holds the lock (a session that ended released it). */
    boolean held() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE pid ="
                + " pg_backend_pid() AND locktype = 'advisory' AND granted AND classid = ?::bigint::oid AND objid ="
                + " ?::bigint::oid AND objsubid = 2")) {
            ps.setQueryTimeout(30);
            ps.setLong(1, Integer.toUnsignedLong(TOOL_KEY));
            ps.setLong(2, Integer.toUnsignedLong(tenantKey));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    static int keyOf(String schema) {
        return schema.hashCode();
    }

    @Override
    public void close() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            ps.setInt(1, TOOL_KEY);
            ps.setInt(2, tenantKey);
            ps.execute();
        } catch (SQLException e) {
            // the session is gone, and the lock with it
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing left to release
            }
        }
    }
}
