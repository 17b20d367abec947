package org.accountpurge.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import javax.sql.DataSource;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.StoreException;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The tenant's lock on the real PostgreSQL, when the session that holds it ends under a running purge: taken again
 * when nobody else has it, refused (the purge stops) when another process took it in between.
 */
class TenantLeaseTest {

    static final String SCHEMA = "lease_test_" + Long.toHexString(System.nanoTime());

    final StackEndpoints stack = TestStack.endpoints();
    final DataSource dataSource = new DriverManagerDataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    final JdbcTemplate jdbc = new JdbcTemplate(dataSource);

    @Test
    void aLockWhoseSessionEndedIsTakenAgainWhenNobodyElseHasIt() {
        // given a process holding the tenant's lock
        try (TenantLease lease = new TenantLease(dataSource, SCHEMA)) {
            assertThat(lease.acquire()).isTrue();
            lease.confirm();
            assertThat(TenantLock.tryAcquire(dataSource, SCHEMA)).as("held by the lease").isEmpty();

            // when the database ends the session that holds it
            assertThat(terminateHolder()).isTrue();
            assertThat(TenantLock.holders(dataSource, SCHEMA)).isEmpty();

            // then confirming takes it again on a new session: nobody else can take it
            lease.confirm();
            assertThat(TenantLock.holders(dataSource, SCHEMA)).hasSize(1);
            assertThat(TenantLock.tryAcquire(dataSource, SCHEMA)).isEmpty();
        }
        // and closing releases it
        assertThat(TenantLock.holders(dataSource, SCHEMA)).isEmpty();
    }

    @Test
    void aLockTakenByAnotherProcessInBetweenStopsThePurge() {
        // given a process holding the tenant's lock, whose session the database ends
        try (TenantLease lease = new TenantLease(dataSource, SCHEMA)) {
            assertThat(lease.acquire()).isTrue();
            assertThat(terminateHolder()).isTrue();

            // when another process takes the lock before the next chunk
            Optional<TenantLock> other = TenantLock.tryAcquire(dataSource, SCHEMA);
            assertThat(other).isPresent();
            try (TenantLock ignored = other.get()) {
                // then confirming fails, naming the database and what happened
                assertThatThrownBy(lease::confirm).isInstanceOf(StoreException.class)
                        .hasMessageStartingWith("postgres: the tenant's purge lock was lost")
                        .hasMessageContaining("another process holds it now");
                assertThat(lease.acquire()).as("still held by the other process").isFalse();
            }
        }
    }

    @Test
    void aManagerOfWorkersHoldsTheLockOrRefusesWhileAnotherProcessHasIt() {
        // given a manager launched without the command line, which took no lock
        try (TenantLease lease = new TenantLease(dataSource, SCHEMA)) {
            // when another process holds the lock, then the manager refuses to send work
            try (TenantLock other = TenantLock.tryAcquire(dataSource, SCHEMA).orElseThrow()) {
                assertThatThrownBy(lease::hold).isInstanceOf(StoreException.class)
                        .hasMessage("postgres: another process holds the tenant's purge lock: this execution sends no"
                                + " work to the workers while it runs");
            }
            // when nobody holds it, then the manager takes it (the workers' sign that it lives), and again is a no-op
            lease.hold();
            lease.hold();
            assertThat(TenantLock.holders(dataSource, SCHEMA)).hasSize(1);
        }
        assertThat(TenantLock.holders(dataSource, SCHEMA)).isEmpty();
    }

    @Test
    void withoutALockThereIsNothingToConfirm() {
        new TenantLease(dataSource, SCHEMA).confirm();
        assertThat(TenantLock.holders(dataSource, SCHEMA)).isEmpty();
    }

    private boolean terminateHolder() {
        Boolean done = jdbc.queryForObject("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_locks WHERE locktype ="
                + " 'advisory' AND granted AND objsubid = 2 AND objid = ?::bigint::oid", Boolean.class,
                Integer.toUnsignedLong(TenantLock.keyOf(SCHEMA)));
        return Boolean.TRUE.equals(done);
    }
}
