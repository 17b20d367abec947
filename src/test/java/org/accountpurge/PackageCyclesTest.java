package org.accountpurge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application's packages depend on each other one way only: no package reaches, through others, back to itself.
 * A dependency is any use of a class of another package of the tool, imported or written out in full.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern USE = Pattern.compile("(org\\.accountpurge(?:\\.[a-z]\\w*)+)\\.[A-Z]\\w*");

    @Test
    void noPackageOfTheApplicationDependsOnItselfThroughOthers() throws IOException {
        // given the packages of src/main and what each uses of the others
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String text = read(file);
                Matcher declared = PACKAGE.matcher(text);
                assertThat(declared.find()).as(file.toString()).isTrue();
                String own = declared.group(1);
                Set<String> used = uses.computeIfAbsent(own, p -> new TreeSet<>());
                Matcher use = USE.matcher(text);
                while (use.find()) {
                    if (!use.group(1).equals(own)) {
                        used.add(use.group(1));
                    }
                }
            });
        }

        // then no group of packages depends on itself
        assertThat(uses).hasSizeGreaterThan(10);
        assertThat(cycles(uses)).isEmpty();
    }

    /** The strongly connected groups of more than one package (Tarjan), each with its edges inside the group. */
    static List<String> cycles(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        List<String> stack = new ArrayList<>();
        Set<String> onStack = new HashSet<>();
        List<String> cycles = new ArrayList<>();
        int[] next = {0};
        for (String start : uses.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, uses, index, low, stack, onStack, cycles, next);
            }
        }
        return cycles;
    }

    private static void connect(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
                                Map<String, Integer> low, List<String> stack, Set<String> onStack,
                                List<String> cycles, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]++);
        stack.add(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, uses, index, low, stack, onStack, cycles, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> group = new TreeSet<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                onStack.remove(w);
                group.add(w);
            } while (!w.equals(v));
            if (group.size() > 1) {
                StringBuilder edges = new StringBuilder();
                group.forEach(p -> uses.getOrDefault(p, Set.of()).stream().filter(group::contains)
                        .forEach(q -> edges.append("\n  ").append(p).append(" -> ").append(q)));
                cycles.add(group + edges.toString());
            }
        }
    }

    @Test
    void theCheckFindsACycle() {
        assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"))))
                .hasSize(1).first().asString().startsWith("[a, b, c]");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
