package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The product (what the jar is built from: target/classes) holds the purge and nothing of the development
 * tooling — no seeder, no local stack, no PostgreSQL binaries — and its command line offers no command that
 * creates or drops a tenant; the development tooling reads none of the purge's PURGE_* variables.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProductBoundaryTest {

    @Test
    void noProductClassReachesTheDevelopmentTooling() throws IOException {
        List<String> forbidden = List.of("org/accountpurge/seed/", "org/accountpurge/stack/", "io/zonky/",
                "org/accountpurge/dev/");
        try (Stream<Path> files = Files.walk(Path.of("target/classes"))) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String bytes = read(f);
                forbidden.forEach(name -> assertThat(bytes).as("%s refers to %s", f, name).doesNotContain(name));
            });
        }
        assertThat(Path.of("target/classes/reference-tenant")).doesNotExist();
    }

    @Test
    void theProductCommandLineHasNoSeedDemoOrStackCommand(CapturedOutput output) throws Exception {
        for (String command : List.of("seed", "demo", "stack", "bench")) {
            assertThat(Main.execute(new String[] {command}, Map.of())).as(command).isEqualTo(2);
        }
        assertThat(output.getAll()).contains("Commands: purge, nightly");
    }

    @Test
    void theDevelopmentToolingReadsNoPurgeVariable() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/dev/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> assertThat(read(f))
                    .as("%s reads a PURGE_* variable", f).doesNotContainPattern("getenv\\(\\s*\"PURGE_"));
        }
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
