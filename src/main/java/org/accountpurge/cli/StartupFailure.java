package org.accountpurge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Why the application could not start, said as an operator needs it: the key, what is wrong with its value (never
 * the value itself: it may be a secret) and where it was set. Stack traces go to the debug log only.
 */
final class StartupFailure {

    /** @param configuration true when the configuration is at fault (exit code 2), false for anything else */
    record Description(String message, boolean configuration) {
    }

    private StartupFailure() {
    }

    static Description describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException c) {
                return new Description(c.getMessage(), true);
            }
            if (t instanceof BindValidationException v) {
                List<String> lines = new ArrayList<>();
                for (ObjectError error : v.getValidationErrors()) {
                    ConfigurationProperty checked = checkedProperty(v, error);
                    lines.add(checked != null ? checked.getName() + ": " + error.getDefaultMessage()
                            + (checked.getOrigin() == null ? "" : " (" + checked.getOrigin() + ")")
                            : key(v, error) + ": " + error.getDefaultMessage() + origin(v, error));
                }
                return new Description(String.join("\n", lines), true);
            }
            if (t instanceof UnboundConfigurationPropertiesException u) {
                List<String> lines = new ArrayList<>();
                for (ConfigurationProperty p : u.getUnboundProperties()) {
                    lines.add("unknown key " + p.getName() + (p.getOrigin() == null ? "" : " (" + p.getOrigin() + ")"));
                }
                return new Description(String.join("\n", lines), true);
            }
            if (t instanceof BindException b && !(b.getCause() instanceof BindValidationException)
                    && !(b.getCause() instanceof UnboundConfigurationPropertiesException)) {
                ConfigurationProperty p = b.getProperty();
                return new Description(b.getName() + ": " + expected(b)
                        + (p == null || p.getOrigin() == null ? "" : " (" + p.getOrigin() + ")"), true);
            }
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        if (root instanceof java.sql.SQLException || root.getClass().getName().startsWith("org.postgresql")) {
            return new Description("cannot use the PostgreSQL database of spring.datasource.url (PURGE_PG_URL): "
                    + message, false);
        }
        return new Description(root.getClass().getSimpleName() + ": " + message, false);
    }

    private static String key(BindValidationException v, ObjectError error) {
        String prefix = v.getValidationErrors().getName().toString();
        if (!(error instanceof FieldError field)) {
            return prefix;
        }
        List<String> parts = new ArrayList<>(List.of(field.getField().split("\\.")));
        boolean crossField = error.getCodes() != null && List.of(error.getCodes()).stream()
                .anyMatch(c -> c.startsWith("AssertTrue"));
        if (crossField && parts.size() > 1) {
            parts.remove(parts.size() - 1); // an isXxx() check of the record: name the record
        }
        return prefix + "." + String.join(".", parts.stream().map(StartupFailure::kebab).toList());
    }

    /**
     * The key a record's own check is about, when its name says so: {@code isUserIdSqlOneStatement} checks
     * {@code user-id-sql}, {@code isSqlOneStatement} of a retention rule its {@code sql} — the longest bound key the
     * check's name starts with, so that the message names that key with its file and line. Null when none.
     */
    private static ConfigurationProperty checkedProperty(BindValidationException v, ObjectError error) {
        if (!(error instanceof FieldError field) || error.getCodes() == null
                || List.of(error.getCodes()).stream().noneMatch(c -> c.startsWith("AssertTrue"))) {
            return null;
        }
        String check = v.getValidationErrors().getName() + "." + kebab(field.getField());
        ConfigurationProperty best = null;
        for (ConfigurationProperty p : v.getValidationErrors().getBoundProperties()) {
            String name = p.getName().toString();
            if (check.startsWith(name + "-") && (best == null || name.length() > best.getName().toString().length())) {
                best = p;
            }
        }
        return best;
    }

    private static String origin(BindValidationException v, ObjectError error) {
        if (error instanceof FieldError field) {
            String name = v.getValidationErrors().getName() + "." + kebab(field.getField());
            for (ConfigurationProperty p : v.getValidationErrors().getBoundProperties()) {
                if (p.getName().toString().equals(name) && p.getOrigin() != null) {
                    return " (" + p.getOrigin() + ")";
                }
            }
        }
        return "";
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** What the value should have been: one of an enum's values, or the type's name. */
    private static String expected(BindException b) {
        Class<?> type = b.getTarget().getType().resolve();
        if (type != null && type.isEnum()) {
            return "must be one of " + String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
        String name = b.getTarget().getType().toString();
        return "cannot be read as " + name.substring(name.lastIndexOf('.') + 1);
    }
}
