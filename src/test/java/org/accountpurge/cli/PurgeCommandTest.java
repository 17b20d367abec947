package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.accountpurge.seed.TenantGenerator;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The operator's commands: a failed run is not started over by accident, and {@code restart} finishes it. */
@ExtendWith(OutputCaptureExtension.class)
class PurgeCommandTest {

    @TempDir
    Path dir;

    @Test
    void anUnfinishedRunIsRestartedNotStartedAgain(CapturedOutput output) throws Exception {
        // given a seeded tenant and a run that failed because a table has no rule
        StackEndpoints stack = TestStack.endpoints();
        String secret = Main.randomSecret();
        SeedCommand.seed(stack, 300, 20, 11, secret, null);
        Map<String, Object> properties = PurgeRun.stackProperties(stack, secret);
        Path config = Path.of("jobs-config/reference-tenant.yml");
        Path csv = Files.writeString(dir.resolve("cleanup.csv"),
                SeedCommand.sampleCsv(TenantGenerator.generate(300, 20, 11).legacyCleanupRows()) + "x,user\n");
        sql(stack, "CREATE TABLE user_wishlist (id serial PRIMARY KEY, user_id uuid REFERENCES users (id))");
        try {
            assertThat(PurgeRun.start(config, csv, false, false, properties)).isEqualTo(1);
            assertThat(output.getAll()).contains("user_wishlist.user_id", "to finish it: restart --execution");

            // when the same file is started again, then the command refuses and points at restart
            assertThat(PurgeRun.start(config, csv, false, false, properties)).isEqualTo(3);
            assertThat(output.getAll()).contains("of this same input did not complete. Finish it with: restart");
        } finally {
            sql(stack, "DROP TABLE user_wishlist");
        }
        long failed = Long.parseLong(output.getAll().replaceAll("(?s).*to finish it: restart --execution (\\d+).*", "$1"));

        // and status tells what the failed run did and how to finish it
        assertThat(PurgeRun.status(config, failed, properties)).isEqualTo(1);
        assertThat(output.getAll()).contains("(execution " + failed + "): FAILED");

        // when the table is gone and the execution is restarted, then the run completes
        assertThat(PurgeRun.restart(config, failed, false, properties)).isEqualTo(0);
        assertThat(output.getAll()).contains("COMPLETED", "rejected rows: {malformed user id (expected a uuid)=1}",
                "accounts pending: 0");
    }

    private static void sql(StackEndpoints stack, String sql) throws Exception {
        try (Connection c = SeedCommand.dataSource(stack).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
