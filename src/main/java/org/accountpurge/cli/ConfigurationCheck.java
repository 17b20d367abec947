package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Before anything is created: every {@code ${VARIABLE}} the job configuration file refers to (without a default)
 * must be set. An unset {@code PURGE_PG_URL} is named as such, with the key and line that need it.
 */
final class ConfigurationCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)}");

    private final Path configFile;

    ConfigurationCheck(Path configFile) {
        this.configFile = configFile;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        String fileName = configFile.getFileName().toString();
        List<String> missing = new ArrayList<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable) || !source.getName().contains(fileName)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                if (!(enumerable.getProperty(name) instanceof CharSequence raw)) {
                    continue;
                }
                Matcher m = PLACEHOLDER.matcher(raw);
                while (m.find()) {
                    String variable = m.group(1).trim();
                    String value = env.getProperty(variable);
                    if (value == null || value.isBlank()) {
                        missing.add(variable + " is not set (" + name + " refers to it, " + where(source, name) + ")");
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException(String.join("\n", missing));
        }
    }

    @SuppressWarnings("unchecked")
    private String where(PropertySource<?> source, String name) {
        if (source instanceof OriginLookup<?> lookup) {
            Origin origin = ((OriginLookup<String>) lookup).getOrigin(name);
            if (origin != null) {
                return origin.toString();
            }
        }
        return configFile.toString();
    }
}
