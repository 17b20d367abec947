package org.accountpurge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.accountpurge.PurgeApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A wrong job configuration stops the application before any store is contacted (the servers named here do not
 * exist), with the key and what is wrong; unknown keys also name the file and line.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobConfigurationValidationTest {

    static final Map<String, Object> NOWHERE = Map.of("PURGE_PG_URL", "jdbc:postgresql://127.0.0.1:1/none",
            "PURGE_PG_USER", "none", "PURGE_PG_PASSWORD", "none", "PURGE_ES_URL", "http://127.0.0.1:1",
            "PURGE_KC_URL", "http://127.0.0.1:1", "PURGE_KC_CLIENT_SECRET", "none");

    @TempDir
    Path dir;

    @Test
    void invalidValuesAreNamedByKey(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("match: field, field: userId", "match: fuzzy, field: userId")
                .replace("chunk-size: 100", "chunk-size: 0")
                .replace("    - name: platform-admin\n", "    - name: Platform Admin!\n");
        assertThatThrownBy(() -> start(yaml)).isNotNull();
        assertThat(output.getAll())
                .contains("Property: purge.elasticsearch.indexes[2].match", "must match \"id|field\"")
                .contains("Property: purge.job.chunkSize", "must be greater than or equal to 1")
                .contains("Property: purge.retention[3].name")
                .doesNotContain("Connection refused");
    }

    @Test
    void unknownKeysAreNamedWithFileAndLine(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("    user-match: id ", "    user-matc: id ");
        assertThatThrownBy(() -> start(yaml)).isNotNull();
        assertThat(output.getAll()).contains("purge.keycloak.user-matc", "bad.yml", "were left unbound");
    }

    @Test
    void anEdgeWithTwoRulesIsRefused(CapturedOutput output) throws Exception {
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("      - groups.created_by ", "      - groups.created_by\n      - user_notes.user_id ");
        assertThatThrownBy(() -> start(yaml)).isNotNull();
        assertThat(output.getAll()).contains("purge.edges.eachEdgeOnce", "an edge may have only one rule");
    }

    private void start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yml"), yaml);
        new SpringApplicationBuilder(PurgeApplication.class).web(WebApplicationType.NONE).properties(NOWHERE)
                .run("--spring.config.additional-location=file:" + file.toAbsolutePath()).close();
    }
}
