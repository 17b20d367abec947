package org.accountpurge.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The folders of the local stack: a cache of unpacked server distributions, kept between runs, and
 * a folder per run for server data, removed when the run stops.
 *
 * <p>As root the cache lives under {@code /var/tmp/account-purge}, because Elasticsearch then runs as
 * an unprivileged user who must be able to reach its home and data (a root home folder is not
 * traversable by others). {@code DEV_STACK_CACHE} overrides the location.
 */
final class StackDirs {

    static final int UNPRIVILEGED_UID = 65534;

    private StackDirs() {
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static Path cacheRoot() {
        String configured = System.getenv("DEV_STACK_CACHE");
        Path root;
        if (configured != null && !configured.isBlank()) {
            root = Path.of(configured);
        } else if (runningAsRoot()) {
            root = Path.of("/var/tmp/account-purge");
        } else {
            root = Path.of(System.getProperty("user.home"), ".cache", "account-purge");
        }
        try {
            Files.createDirectories(root);
            if (runningAsRoot()) {
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new StackException("Cannot create the stack cache folder " + root, e);
        }
        return root;
    }

    /**
     * Unpacks {@code zip} once into {@code cacheRoot/name} and returns the single top folder inside it.
     * A lock file makes concurrent JVMs wait for each other; a half-unpacked folder is never used.
     */
    static Path unpackOnce(Path zip, String name) {
        Path root = cacheRoot();
        Path target = root.resolve(name);
        Path lockFile = root.resolve("." + name + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (!Files.isDirectory(target)) {
                Path tmp = Files.createTempDirectory(root, "." + name + "-unpack-");
                unzip(zip, tmp);
                // createTempDirectory makes the folder private; the unprivileged Elasticsearch user must enter it.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            try (Stream<Path> children = Files.list(target)) {
                return children.filter(Files::isDirectory).findFirst()
                        .orElseThrow(() -> new StackException("Empty distribution folder " + target));
            }
        } catch (IOException e) {
            throw new StackException("Cannot unpack " + zip + " into " + target, e);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("Zip entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                // java.util.zip does not carry Unix modes: launch scripts live in bin/ folders.
                if (entry.getName().contains("/bin/")) {
                    out.toFile().setExecutable(true, false);
                }
            }
        }
    }

    static void chownRecursively(Path path, int uid) {
        run("chown", "-R", uid + ":" + uid, path.toString());
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Leftover run data is harmless; the next reap removes it.
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new StackException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new StackException("Cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted: " + String.join(" ", command), e);
        }
    }
}
