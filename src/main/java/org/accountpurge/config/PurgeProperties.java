package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.graph.EdgeRule;
import org.accountpurge.store.postgres.SqlText;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * One purge job's configuration ({@code jobs-config/*.yml}, imported with {@code spring.config.import}).
 * Validated at start: a wrong or unknown key stops the application with the file, the key and the problem.
 */
@Validated
@ConfigurationProperties(prefix = "purge", ignoreUnknownFields = false)
public record PurgeProperties(
        @Valid @NotNull @DefaultValue Postgres postgres,
        @Valid @NotNull Roots roots,
        @Valid @NotNull Edges edges,
        @NotNull @DefaultValue List<@Valid RetentionRule> retention,
        @Valid @NotNull @DefaultValue Input input,
        @Valid @NotNull Elasticsearch elasticsearch,
        @Valid @NotNull Keycloak keycloak,
        @Valid @NotNull @DefaultValue Job job) {

    public static final String USER = "user";
    public static final String ORG = "org";
    static final String KIND = "user|org";

    /** @param schema the tenant's schema: the foreign keys between its tables are read from the catalog */
    public record Postgres(@NotBlank @DefaultValue("public") String schema) {
    }

    public record Roots(@Valid @NotNull Root user, @Valid @NotNull Root org) {
        public Root of(String kind) {
            return USER.equals(kind) ? user : org;
        }
    }

    public record Root(@NotBlank String table, @NotBlank @DefaultValue("id") String idColumn) {
    }

    /**
     * A rule per foreign-key edge ({@code table.column}, composite keys {@code table.a+b}).
     *
     * @param defaultRule rule of edges listed nowhere; none means such edges stop the job before it deletes anything
     */
    public record Edges(@NotNull @DefaultValue List<String> delete, @NotNull @DefaultValue List<String> setNull,
                        @NotNull @DefaultValue List<String> protect,
                        @Name("default") @Pattern(regexp = "delete|set-null|protect") String defaultRule) {

        /** Rule per edge name. */
        public Map<String, EdgeRule> rules() {
            Map<String, EdgeRule> rules = new LinkedHashMap<>();
            delete.forEach(e -> rules.put(e.trim(), EdgeRule.DELETE));
            setNull.forEach(e -> rules.put(e.trim(), EdgeRule.SET_NULL));
            protect.forEach(e -> rules.put(e.trim(), EdgeRule.PROTECT));
            return rules;
        }

        public EdgeRule defaultEdgeRule() {
            return defaultRule == null ? null : EdgeRule.parse(defaultRule);
        }

        @AssertTrue(message = "an edge may have only one rule: it is listed more than once under delete, set-null and protect")
        public boolean isEachEdgeOnce() {
            List<String> all = new ArrayList<>(delete);
            all.addAll(setNull);
            all.addAll(protect);
            return new HashSet<>(all.stream().map(String::trim).toList()).size() == all.size();
        }

        @AssertTrue(message = "edges are named table.column (or table.a+b for a composite key)")
        public boolean isWellFormed() {
            return rules().keySet().stream().allMatch(e -> e.matches("[^.\\s]+\\.[^.\\s]+"));
        }
    }

    /**
     * A reason to retain accounts that no foreign key expresses; exactly one of {@code sql}, {@code keycloakRole},
     * {@code keycloakGroup}.
     *
     * @param sql one query returning the ids (of {@code :ids}, an array of the root id type) to retain; it runs on a
     *            read-only session
     */
    public record RetentionRule(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}") String name,
                                @NotNull @Pattern(regexp = KIND) String appliesTo, String sql, String keycloakRole,
                                String keycloakGroup) {

        @AssertTrue(message = "set exactly one of sql, keycloak-role, keycloak-group")
        public boolean isExactlyOneCriterion() {
            return (sql != null ? 1 : 0) + (keycloakRole != null ? 1 : 0) + (keycloakGroup != null ? 1 : 0) == 1;
        }

        @AssertTrue(message = "the sql must be exactly one statement: a ';' followed by more SQL is refused"
                + " (retention queries only read)")
        public boolean isSqlOneStatement() {
            return sql == null || SqlText.singleStatement(sql) != null;
        }

        @AssertTrue(message = "the sql must use the parameter :ids (the chunk's account ids)")
        public boolean isSqlUsingIds() {
            return sql == null || sql.contains(":ids");
        }

        @AssertTrue(message = "keycloak rules apply to users only")
        public boolean isKeycloakForUsers() {
            return (keycloakRole == null && keycloakGroup == null) || USER.equals(appliesTo);
        }
    }

    /** The candidate CSV: a header row naming the id and kind columns; other columns are ignored. */
    public record Input(@NotBlank @DefaultValue("account_id") String idColumn,
                        @NotBlank @DefaultValue("kind") String kindColumn,
                        @Min(64) @Max(10_000_000) @DefaultValue("65536") int maxLineLength) {
    }

    public record Elasticsearch(@NotBlank String url, @NotNull @DefaultValue("5s") Duration connectTimeout,
                                @NotNull @DefaultValue("60s") Duration requestTimeout,
                                @NotNull @DefaultValue List<@Valid Index> indexes) {

        public List<Index> indexesFor(String kind) {
            return indexes.stream().filter(i -> i.appliesTo().equals(kind)).toList();
        }
    }

    /** An index to clean: documents whose id is the account id ({@code match: id}) or whose {@code field} holds it. */
    public record Index(@NotBlank String name, @NotNull @Pattern(regexp = KIND) String appliesTo,
                        @NotNull @Pattern(regexp = "id|field") @DefaultValue("id") String match, String field) {

        @AssertTrue(message = "match: field needs a field, match: id takes none")
        public boolean isFieldGivenWhenMatchingByField() {
            return "field".equals(match) == (field != null && !field.isBlank());
        }
    }

    /**
     * The realm holding the users' login identities (orgs have none).
     *
     * @param userMatch how a platform user id finds its Keycloak user: {@code id} (the Keycloak id),
     *                  {@code username}, or {@code attribute} (the attribute named {@code userAttribute})
     */
    public record Keycloak(@NotBlank String url, @NotBlank String realm, @NotBlank String clientId,
                           @NotBlank String clientSecret,
                           @NotNull @Pattern(regexp = "id|username|attribute") @DefaultValue("id") String userMatch,
                           String userAttribute, @Min(1) @Max(64) @DefaultValue("8") int threads,
                           @NotNull @DefaultValue("30s") Duration timeout) {

        @AssertTrue(message = "user-match: attribute needs user-attribute")
        public boolean isAttributeNamed() {
            return !"attribute".equals(userMatch) || (userAttribute != null && !userAttribute.isBlank());
        }
    }

    /** @param reportDirectory where each run's JSON summary is written */
    public record Job(@Min(1) @Max(5000) @DefaultValue("100") int chunkSize,
                      @NotBlank @DefaultValue("target/purge-reports") String reportDirectory) {
    }

    public List<RetentionRule> retentionFor(String kind) {
        return retention.stream().filter(r -> r.appliesTo().equals(kind)).toList();
    }

    public static Set<String> kinds() {
        return Set.of(USER, ORG);
    }
}
