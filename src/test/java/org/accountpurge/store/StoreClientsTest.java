package org.accountpurge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each store's client is reached from its own package only: {@code store.postgres} is the only code referring to the
 * PostgreSQL driver's own API, {@code store.elasticsearch} to the Elasticsearch client, {@code store.opensearch} to the OpenSearch client,
 * {@code store.keycloak} to the
 * Keycloak admin client. Checked on the compiled classes (their constant pools name every class they use).
 */
class StoreClientsTest {

    static final Map<String, String> CLIENT_TO_PACKAGE = Map.of(
            "org/postgresql/", "org/accountpurge/store/postgres/",
            "co/elastic/", "org/accountpurge/store/elasticsearch/",
            "org/elasticsearch/client/", "org/accountpurge/store/elasticsearch/",
            "org/opensearch/", "org/accountpurge/store/opensearch/",
            "org/keycloak/", "org/accountpurge/store/keycloak/");

    @Test
    void onlyAStoresOwnPackageUsesItsClient() throws IOException {
        Path classes = Path.of("target/classes");
        List<String> violations = new ArrayList<>();
        int checked;
        try (Stream<Path> files = Files.walk(classes)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".class")).toList();
            checked = all.size();
            for (Path file : all) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                String bytes = read(file);
                CLIENT_TO_PACKAGE.forEach((client, owner) -> {
                    if (!name.startsWith(owner) && bytes.contains(client)) {
                        violations.add(name + " uses " + client + " (only " + owner + " may)");
                    }
                });
            }
        }
        assertThat(checked).as("compiled product classes").isGreaterThan(50);
        assertThat(violations).isEmpty();
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
