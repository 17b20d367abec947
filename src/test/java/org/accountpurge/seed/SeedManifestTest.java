package org.accountpurge.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.SeedIndexes;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The seeder's manifest matches what each store really holds, counted through the store's own API. */
class SeedManifestTest {

    @Test
    void manifestMatchesEveryStore() throws Exception {
        // given a running stack
        StackEndpoints stack = TestStack.endpoints();

        // when the reference tenant is seeded
        SeedManifest manifest = SeedCommand.seed(TestStack.stack(), 400, 30, 11, "test-secret", Path.of("target/seed/test-manifest.json"));

        // then PostgreSQL holds the manifest's rows, table by table
        PGSimpleDataSource ds = SeedCommand.dataSource(stack);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (Map.Entry<String, Long> e : manifest.postgresRows().entrySet()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + e.getKey())) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("rows of " + e.getKey()).isEqualTo(e.getValue()).isPositive();
                }
            }
            // mentors are only in course_batch.mentors (no FK): every listed mentor is in some batch
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT m) FROM course_batch, unnest(mentors) m")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(manifest.userIds().get("mentors").size());
            }
        }
        // and Elasticsearch holds the manifest's documents, index by index
        try (SeedIndexes es = new SeedIndexes(stack.elasticsearchUrl())) {
            manifest.elasticsearchDocuments().forEach((index, count) ->
                    assertThat(es.count(index)).as("documents of " + index).isEqualTo(count).isPositive());
            List<String> noEs = manifest.userIds().get("noElasticsearch");
            assertThat(es.countByIds("user", noEs)).isZero();
            assertThat(es.countByField("usercourses", "userId", noEs)).isZero();
        }
        // and Keycloak holds the manifest's users, with the platform id as Keycloak id
        try (KeycloakRealmSetup kc = new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(),
                stack.keycloakAdminPassword(), Duration.ofSeconds(30))) {
            assertThat(kc.countUsers(manifest.realm())).isEqualTo(manifest.keycloakUsers());
            for (String id : manifest.userIds().get("noKeycloak")) {
                assertThat(kc.userExists(manifest.realm(), id)).as("user without Keycloak identity").isFalse();
            }
            for (String id : manifest.userIds().get("platformAdmins")) {
                assertThat(kc.describeUser(manifest.realm(), id).get("roles").toString()).contains("platform_admin");
            }
        }
        assertThat(manifest.keycloakUsers() + manifest.userIds().get("noKeycloak").size()).isEqualTo(400);
    }
}
