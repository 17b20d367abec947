package org.accountpurge.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds a server distribution in the local Maven repository, asking Maven to download it into that
 * repository when it is not there yet (so it is cached between runs like every other dependency).
 */
final class MavenArtifacts {

    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);

    private MavenArtifacts() {
    }

    static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("DEV_STACK_MAVEN_REPO");
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    static Path resolve(String groupId, String artifactId, String version, String type, Path logDir) {
        Path file = localRepository().resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + "." + type);
        if (Files.isRegularFile(file)) {
            return file;
        }
        String coordinates = groupId + ":" + artifactId + ":" + version + ":" + type;
        Path log = logDir.resolve("maven-" + artifactId + ".log");
        List<String> command = List.of(mavenExecutable(), "-B", "-q", "dependency:get",
                "-Dartifact=" + coordinates, "-Dtransitive=false",
                "-Dmaven.repo.local=" + localRepository());
        try {
            Files.createDirectories(logDir);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(DOWNLOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new StackException("Maven did not download " + coordinates + " within " + DOWNLOAD_TIMEOUT
                        + "; see " + log);
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(file)) {
                throw new StackException("Maven could not download " + coordinates + " (exit "
                        + process.exitValue() + "):\n" + ServerProcess.tail(log, 20));
            }
            return file;
        } catch (IOException e) {
            throw new StackException("Could not run Maven to download " + coordinates
                    + " (is 'mvn' on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while downloading " + coordinates, e);
        }
    }

    private static String mavenExecutable() {
        String home = System.getenv("MAVEN_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn").toString();
        }
        return "mvn";
    }
}
