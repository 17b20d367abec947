package org.accountpurge.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.accountpurge.dev.SeedCommand;
import org.junit.jupiter.api.Test;

class TenantGeneratorTest {

    @Test
    void sameArgumentsGiveTheSameTenant() {
        ReferenceTenant a = TenantGenerator.generate(300, 20, 7);
        ReferenceTenant b = TenantGenerator.generate(300, 20, 7);
        assertThat(a.userIdsByKind()).isEqualTo(b.userIdsByKind());
        assertThat(SeedCommand.sampleCsv(a.legacyCleanupRows())).isEqualTo(SeedCommand.sampleCsv(b.legacyCleanupRows()));
        assertThat(TenantGenerator.generate(300, 20, 8).userIdsByKind()).isNotEqualTo(a.userIdsByKind());
    }

    @Test
    void makesEveryKindOfAccountTheIssueAsksFor() {
        ReferenceTenant t = TenantGenerator.generate(2000, 60, 42);
        for (String kind : List.of("neverLoggedIn", "inactive", "active", "contentCreators", "batchCreators",
                "mentors", "orgAdmins", "groupOwners", "platformAdmins", "supportStaff", "managed", "noKeycloak",
                "noElasticsearch", "legacyStateCandidates")) {
            assertThat(t.userIdsByKind().get(kind)).as(kind).isNotEmpty();
        }
        assertThat(t.orgIdsByKind().get("schoolsWithoutMembers")).isNotEmpty();
        assertThat(t.orgIdsByKind().get("schoolsWithMembers")).isNotEmpty();
        Set<String> activity = new HashSet<>(t.userIdsByKind().get("neverLoggedIn"));
        activity.addAll(t.userIdsByKind().get("inactive"));
        activity.addAll(t.userIdsByKind().get("active"));
        assertThat(activity).hasSize(2000);
    }

    @Test
    void committedSampleCsvMatchesTheDefaultSeed() throws Exception {
        ReferenceTenant t = TenantGenerator.generate(SeedCommand.DEFAULT_USERS, SeedCommand.DEFAULT_ORGS,
                SeedCommand.DEFAULT_SEED);
        String expected = SeedCommand.sampleCsv(t.legacyCleanupRows());
        assertThat(Files.readString(Path.of("sample-input/legacy-state-cleanup.csv")))
                .as("regenerate with: java -jar target/account-purge.jar sample-csv")
                .isEqualTo(expected);
    }

    @Test
    void refusesTooSmallTenants() {
        assertThatThrownBy(() -> TenantGenerator.generate(5, 20, 1)).hasMessageContaining("at least 20 users");
    }
}
