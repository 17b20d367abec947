package org.accountpurge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration reference ({@code docs/configuration.md}) names every key the binder accepts under {@code purge}:
 * each property of {@link PurgeProperties}, at any depth (lists and maps of records included), appears there by its
 * name in backticks. A key added without its documentation fails here.
 */
class ConfigurationReferenceTest {

    @Test
    void theReferenceNamesEveryPropertyOfThePurgeConfiguration() throws Exception {
        // given the reference, and every property path of the configuration records
        String reference = Files.readString(Path.of("docs/configuration.md"));
        List<String> paths = new ArrayList<>();
        collect("purge", PurgeProperties.class, paths, Set.of());
        assertThat(paths).hasSizeGreaterThan(40);

        // then each property's name is in it, in backticks (as a key, a list `name[]`, a `name: value`, or the whole
        // path or one under it)
        assertThat(missing(reference, paths)).as("properties docs/configuration.md does not name").isEmpty();
    }

    @Test
    void theKeyTableIsTheOneGeneratedFromThePropertiesAndTheirJavadoc() throws Exception {
        // given the metadata spring-boot-configuration-processor wrote from PurgeProperties (names, types, defaults,
        // and each record component's @param text)
        String table = keyTable(JsonMapper.builder().build().readTree(getClass().getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")));

        // then every key has a description
        assertThat(table.lines().filter(row -> row.endsWith("|  |"))).as("keys without a description (a @param"
                + " in PurgeProperties)").isEmpty();
        // and the reference holds exactly that table between its markers
        String reference = Files.readString(Path.of("docs/configuration.md"));
        int start = reference.indexOf(TABLE_START);
        int end = reference.indexOf(TABLE_END);
        assertThat(start).as("docs/configuration.md has " + TABLE_START).isNotNegative();
        String documented = reference.substring(start + TABLE_START.length(), end).strip();
        if (!documented.equals(table.strip())) {
            Files.writeString(Path.of("target/configuration-keys.md"), table);
        }
        assertThat(documented).as("the key table of docs/configuration.md; the generated one is in"
                + " target/configuration-keys.md: paste it between the markers").isEqualTo(table.strip());
    }

    static final String TABLE_START = "<!-- keys: generated from PurgeProperties, checked by ConfigurationReferenceTest -->";
    static final String TABLE_END = "<!-- keys: end -->";

    /** A Markdown table, a row per key: name, type, default, description (javadoc tags made Markdown). */
    static String keyTable(JsonNode metadata) {
        StringBuilder table = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        List<JsonNode> properties = new ArrayList<>();
        metadata.get("properties").forEach(properties::add);
        properties.sort(java.util.Comparator.comparing(p -> p.get("name").asString()));
        for (JsonNode property : properties) {
            String type = property.get("type").asString().replaceAll("[a-z]+(\\.[a-z]+)*\\.", "")
                    .replaceAll("\\w+\\$", "");
            JsonNode value = property.get("defaultValue");
            String text = property.has("description") ? property.get("description").asString() : "";
            text = text.replaceAll("\\{@(?:code|literal) ((?:[^{}]|\\{[^{}]*})*)}", "`$1`")
                    .replaceAll("\\{@link ([^}]*)}", "$1").replaceAll("\\s+", " ").replace("|", "\\|").strip();
            table.append("| `").append(property.get("name").asString()).append("` | ").append(type).append(" | ")
                    .append(value == null || value.isNull() ? "" : "`" + value.asString() + "`").append(" | ")
                    .append(text).append(" |\n");
        }
        return table.toString();
    }

    @Test
    void aPropertyTheReferenceDoesNotNameIsFound() {
        record Window(String closesAt, int graceMinutes) {
        }
        record Job(int chunkSize, Window window) {
        }
        List<String> paths = new ArrayList<>();
        collect("purge.job", Job.class, paths, Set.of());
        assertThat(paths).containsExactly("purge.job.chunk-size", "purge.job.window", "purge.job.window.closes-at",
                "purge.job.window.grace-minutes");
        assertThat(missing("| `purge.job` | `chunk-size`, `window` (`closes-at`) |", paths))
                .containsExactly("purge.job.window.grace-minutes");
    }

    /** The paths whose name the reference has nowhere in backticks. */
    static List<String> missing(String reference, List<String> paths) {
        return paths.stream().filter(path -> {
            String name = path.substring(path.lastIndexOf('.') + 1);
            return java.util.stream.Stream.of("`" + name + "`", "`" + path, // the path, or a key under it
                    "`" + name + "[]", "`" + name + ":", " " + name + "`", "`" + name + " ")
                    .noneMatch(reference::contains);
        }).toList();
    }

    /** Every property path under {@code prefix} of the record type, in kebab case (Spring Boot's canonical form). */
    static void collect(String prefix, Class<?> type, List<String> paths, Set<Class<?>> seen) {
        if (!type.isRecord() || seen.contains(type)) {
            return;
        }
        Set<Class<?>> inside = new java.util.HashSet<>(seen);
        inside.add(type);
        RecordComponent[] components = type.getRecordComponents();
        java.lang.reflect.Parameter[] parameters;
        try { // the binder reads the canonical constructor's parameters: @Name renames a key
            parameters = type.getDeclaredConstructor(java.util.Arrays.stream(components)
                    .map(RecordComponent::getType).toArray(Class<?>[]::new)).getParameters();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            org.springframework.boot.context.properties.bind.Name renamed = parameters[i]
                    .getAnnotation(org.springframework.boot.context.properties.bind.Name.class);
            String path = prefix + "." + (renamed != null ? renamed.value() : kebab(component.getName()));
            paths.add(path);
            collect(path, component.getType(), paths, inside);
            for (Class<?> element : elements(component.getGenericType())) {
                collect(path, element, paths, inside);
            }
        }
    }

    /** The record types a list, set or map of the property holds. */
    private static List<Class<?>> elements(Type type) {
        List<Class<?>> found = new ArrayList<>();
        if (type instanceof ParameterizedType parameterized
                && parameterized.getRawType() instanceof Class<?> raw
                && (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw))) {
            for (Type argument : parameterized.getActualTypeArguments()) {
                if (argument instanceof Class<?> c) {
                    found.add(c);
                }
                found.addAll(elements(argument));
            }
        }
        return found;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
