package org.accountpurge.audit;

import org.flywaydb.core.Flyway;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * The tool's own tables (schema {@code purge}: the job repository, candidates, step log…), created and upgraded by the
 * Flyway migrations. By default they are migrated when the application starts. A command that may still refuse —
 * the preflight of {@code purge}, {@code nightly}, {@code restart} — starts with {@code on-demand} and migrates only
 * once it goes on ({@link #migrateNow}), so that a refused run leaves the tenant's database exactly as it found it: no
 * schema, no table, no row.
 */
public final class PurgeSchema implements FlywayMigrationStrategy {

    private final boolean onDemand;
    private volatile Flyway flyway;
    private volatile boolean migrated;

    /** @param onDemand migrate only when {@link #migrateNow} is called, not at start-up */
    public PurgeSchema(boolean onDemand) {
        this.onDemand = onDemand;
    }

    @Override
    public void migrate(Flyway flyway) {
        this.flyway = flyway;
        if (!onDemand) {
            flyway.migrate();
            migrated = true;
        }
    }

    /**
     * Applies the migrations not applied yet (none when Flyway is off: a read-only command), once per context: the
     * command's preparation and its launch both ask.
     */
    public synchronized void migrateNow() {
        Flyway migrations = flyway;
        if (migrations != null && !migrated) {
            migrations.migrate();
            migrated = true;
        }
    }
}
