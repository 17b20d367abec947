package org.accountpurge.store.postgres;

import java.util.Optional;
import javax.sql.DataSource;
import org.accountpurge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant's lock ({@link TenantLock}) as this process holds it for its executions. The lock lives as long as the
 * database session that took it; if that session ends while the process runs on (the database restarted, a network cut,
 * {@code pg_terminate_backend}), another process could take the lock and purge the same tenant at the same time.
 * So the purge steps {@link #confirm() confirm} it before every chunk's write: still held, or taken again on a new
 * session when nobody else has it, or the chunk fails (restartable) before anything of it is deleted.
 */
public final class TenantLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantLease.class);

    private final DataSource dataSource;
    private final String schema;
    private TenantLock lock;

    public TenantLease(DataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /** Takes the tenant's lock; false when another session holds it. */
    public synchronized boolean acquire() {
        if (lock == null) {
            Optional<TenantLock> taken = TenantLock.tryAcquire(dataSource, schema);
            lock = taken.orElse(null);
        }
        return lock != null;
    }

    /**
     * Takes the tenant's lock unless this process holds it already.
     *
     * @throws StoreException when another session holds it
     */
    public void hold() {
        if (!acquire()) {
            throw new StoreException(PostgresAccounts.STORE, "another process holds the tenant's purge lock: this"
                    + " execution sends no work to the workers while it runs", null);
        }
    }

    /**
     * Nothing to do when this process took no lock (the job launched by other means than the command line).
     *
     * @throws StoreException when the lock's session ended and another session holds the lock now
     */
    public synchronized void confirm() {
        if (lock == null || lock.held()) {
            return;
        }
        lock.close();
        lock = TenantLock.tryAcquire(dataSource, schema).orElse(null);
        if (lock == null) {
            throw new StoreException(PostgresAccounts.STORE, "the tenant's purge lock was lost (the database session"
                    + " that held it ended) and another process holds it now: this execution stops before its next"
                    + " chunk so that two purges never run on one tenant; restart it once the other one has ended",
                    null);
        }
        LOG.warn("The database session holding the tenant's purge lock ended; nobody else held the lock, so it was"
                + " taken again on a new session and the run goes on");
    }

    @Override
    public synchronized void close() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
