package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.accountpurge.account.AccountKind;
import org.accountpurge.sql.SqlText;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * One purge job's configuration ({@code jobs-config/*.yml}, imported with {@code spring.config.import}).
 * Validated at start: a wrong or unknown key stops the application with the file, the key and the problem.
 *
 * @param retention why an account must stay: named rules (SQL, a Keycloak role or group), each recorded as the reason
 * @param promotions who takes over a group whose last admin leaves (the last-admin guard); to keep such an account
 *                   instead, name a retention rule
 * @param scrub      per kind, the columns of the account's own row to anonymise when the row is kept instead of deleted
 */
@Validated
@ConfigurationProperties(prefix = "purge", ignoreUnknownFields = false)
public record PurgeProperties(
        @Valid @NotNull @DefaultValue Postgres postgres,
        @Valid @NotNull Roots roots,
        @Valid @NotNull @NestedConfigurationProperty EdgesSection edges,
        @NotNull @DefaultValue List<@Valid RetentionRule> retention,
        @NotNull @DefaultValue List<@Valid Promotion> promotions,
        @Valid @NestedConfigurationProperty ScrubSection scrub,
        @Valid @NotNull @DefaultValue Input input,
        @Valid @NestedConfigurationProperty SelectionSection selection,
        @Valid @NotNull @DefaultValue Guard guard,
        @Valid Schedule schedule,
        @Valid Elasticsearch elasticsearch,
        @Valid @NestedConfigurationProperty KeycloakSection keycloak,
        @Valid @NotNull @DefaultValue @NestedConfigurationProperty JobSection job,
        @Valid Events events,
        @Valid Audit audit) {

    /**
     * @param idHashKey when set (from the environment: {@code ${PURGE_ID_HASH_KEY}}), a completed real run replaces
     *                  the ids of the accounts it purged (or found nowhere) by {@code hmac:} + HMAC-SHA256(key,
     *                  {@code kind:id}) in its tables (candidates, step log, residue) and report; at least 32
     *                  characters. Never printed.
     */
    public record Audit(@jakarta.validation.constraints.Size(min = 32, message = "must be at least 32 characters")
                        String idHashKey) {
        @Override
        public String toString() {
            return "Audit[idHashKey=" + (idHashKey == null ? "none" : "(set)") + "]";
        }

        public boolean hashesIds() {
            return idHashKey != null && !idHashKey.isBlank();
        }
    }

    /**
     * Deletion events (optional, off unless configured): one JSON event per purged account, inserted into an outbox
     * table of the tenant database in the chunk's transaction, with the rows it describes, so that downstream
     * services can clean their own data.
     *
     * @param table the outbox table, {@code name} or {@code schema.name}; it needs the columns {@code account_id
     *              text}, {@code kind text} and {@code payload jsonb} (others need defaults)
     */
    public record Events(@NotBlank @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?",
            message = "must be a table name, or schema.table (letters, digits, underscores)") String table) {
    }

    /** @param schema the tenant's schema: the foreign keys between its tables are read from the catalog */
    public record Postgres(@NotBlank @DefaultValue("public") String schema) {
    }

    /** The kinds of account this tenant has: each is optional, at least one is needed. */
    public record Roots(@Valid Root user, @Valid Root org) {

        /** The kind's root, or null when this tenant has no such accounts. */
        public Root of(AccountKind kind) {
            return kind == AccountKind.USER ? user : org;
        }

        /** The configured kinds, users first (members go before the orgs they would hold back). */
        public List<AccountKind> kinds() {
            return java.util.Arrays.stream(AccountKind.values()).filter(k -> of(k) != null).toList();
        }

        @AssertTrue(message = "name at least one kind of account: user and/or org (table, id-column)")
        public boolean isAnyKind() {
            return user != null || org != null;
        }
    }

    /**
     * @param table    the root table of the kind (in {@code purge.postgres.schema})
     * @param idColumn its primary-key column, the account id
     */
    public record Root(@NotBlank String table, @NotBlank @DefaultValue("id") String idColumn) {
    }

    /**
     * A reason to retain accounts that no foreign key expresses; exactly one of {@code sql}, {@code keycloakRole},
     * {@code keycloakGroup}.
     *
     * @param sql one query returning the ids (of {@code :ids}, an array of the root id type) to retain; it runs on a
     *            read-only session
     */
    public record RetentionRule(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}") String name,
                                @NotNull AccountKind appliesTo, String sql, String keycloakRole,
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
            return (keycloakRole == null && keycloakGroup == null) || appliesTo == AccountKind.USER;
        }
    }

    /**
     * The candidate CSV: a header row naming the id and kind columns; other columns are ignored.
     *
     * @param idColumn      the header of the account id column
     * @param kindColumn    the header of the kind column ({@code user} or {@code org})
     * @param maxLineLength the longest line read; a longer one is rejected, with its line number
     */
    public record Input(@NotBlank @DefaultValue("account_id") String idColumn,
                        @NotBlank @DefaultValue("kind") String kindColumn,
                        @Min(64) @Max(10_000_000) @DefaultValue("65536") int maxLineLength) {
    }

    /**
     * The search indexes holding the accounts' documents; leave the section out when the tenant has none.
     *
     * @param url            the cluster (https for a real one): Elasticsearch or OpenSearch
     * @param engine         which server answers at the url: {@code auto} (asked with {@code GET /} before the run),
     *                       {@code elasticsearch} or {@code opensearch} (the run is refused when the server is another)
     * @param username       for a secured cluster: the user of HTTP basic authentication, with {@code password}
     * @param password       its password, from the environment ({@code ${PURGE_ES_PASSWORD}}); never printed
     * @param apiKey         or instead: an API key (the encoded {@code id:key} Elasticsearch gives), from the
     *                       environment ({@code ${PURGE_ES_API_KEY}}); never printed
     * @param connectTimeout how long a connection may take
     * @param requestTimeout how long one request (a search, a bulk delete) may take
     * @param indexes        the indexes to clean, each with how a document belongs to an account
     */
    public record Elasticsearch(@NotBlank String url, @NotNull @DefaultValue("auto") SearchEngine engine,
                                String username, String password, String apiKey,
                                @NotNull @DefaultValue("5s") Duration connectTimeout,
                                @NotNull @DefaultValue("60s") Duration requestTimeout,
                                @NotEmpty List<@Valid Index> indexes) {

        public List<Index> indexesFor(AccountKind kind) {
            return indexes.stream().filter(i -> i.appliesTo() == kind).toList();
        }

        @AssertTrue(message = "set username and password together, or api-key alone, or none of them")
        public boolean isCredentialsOneWay() {
            boolean user = username != null && !username.isBlank();
            boolean secret = password != null && !password.isBlank();
            boolean key = apiKey != null && !apiKey.isBlank();
            return user == secret && !(user && key);
        }

        /** The {@code Authorization} header every request carries ({@code Basic …} or {@code ApiKey …}), or null. */
        public String authorization() {
            if (apiKey != null && !apiKey.isBlank()) {
                return "ApiKey " + apiKey.strip();
            }
            if (username != null && !username.isBlank()) {
                return "Basic " + java.util.Base64.getEncoder().encodeToString((username + ":" + password)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return null;
        }
    }

    /** The search server's engine, or {@code auto}: whatever answers at the url, if supported. */
    public enum SearchEngine {
        AUTO, ELASTICSEARCH, OPENSEARCH
    }

    /** How a document belongs to an account. */
    public enum IndexMatch {
        /** the document id is the account id */
        ID,
        /** the document's {@code field} holds the account id */
        FIELD
    }

    /**
     * An index to clean: documents whose id is the account id ({@code match: id}) or whose {@code field} holds it.
     *
     * @param name        the index (or alias)
     * @param appliesTo   the kind of account its documents belong to
     * @param match       how a document belongs to an account
     * @param field       for {@code match: field}: the keyword field holding the account id ({@code user.id} too)
     * @param scrubFields when set, the account's documents are kept and these top-level fields set to null in them (a
     *                    partial update) instead of the documents being deleted; the verification reports a document
     *                    that still holds one
     */
    public record Index(@NotBlank String name, @NotNull AccountKind appliesTo,
                        @NotNull @DefaultValue("id") IndexMatch match, String field,
                        @NotNull @DefaultValue List<@NotBlank String> scrubFields) {

        @AssertTrue(message = "match: field needs a field, match: id takes none")
        public boolean isFieldGivenWhenMatchingByField() {
            return (match == IndexMatch.FIELD) == (field != null && !field.isBlank());
        }

        @AssertTrue(message = "scrub-fields may not name the field the documents are matched by (a second run and the"
                + " verification find them by it)")
        public boolean isMatchFieldKept() {
            return field == null || scrubFields == null || !scrubFields.contains(field);
        }
    }

    /**
     * The blast-radius guard: a run with more candidates of a kind than this fails before anything is deleted, saying
     * by how much; {@code --override-guard} lets an operator go on knowingly (recorded in {@code purge.guard_override}).
     *
     * @param maxAccounts most candidates of one kind in a run; none when unset
     * @param maxShare    most candidates of one kind as a share (0..1) of the kind's accounts in scope (the
     *                    selection's scope-sql, or all rows of the root table); none when unset
     */
    public record Guard(@Min(0) Integer maxAccounts,
                        @jakarta.validation.constraints.DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1")
                        Double maxShare) {
    }

    /**
     * When the long-lived {@code schedule} command runs the nightly purge.
     *
     * @param cron Spring's six-field cron expression (second minute hour day month weekday), e.g. {@code 0 30 1 * * *}
     * @param zone the time zone of the expression and of the run date
     */
    public record Schedule(@NotBlank String cron, @NotBlank @DefaultValue("UTC") String zone) {

        @AssertTrue(message = "cron is a Spring cron expression of six fields (0 30 1 * * *) and zone a time zone id")
        public boolean isReadable() {
            try {
                java.time.ZoneId.of(zone);
                return org.springframework.scheduling.support.CronExpression.isValidExpression(cron);
            } catch (RuntimeException e) {
                return cron == null || zone == null;
            }
        }
    }

    /**
     * The last-admin guard: a group whose last admin leaves is handed to another member, in the chunk's transaction,
     * before the account's rows go. A group nobody can take over refuses the account (FAILED
     * {@code no_member_to_promote}, nothing of it removed).
     *
     * @param name       the step log's target of the promotions
     * @param appliesTo  the kind of the leaving accounts
     * @param groupsSql  one statement selecting (account id, group id) for the accounts of {@code :ids} that are a
     *                   group's last admin, with no admin left outside {@code :ids}
     * @param promoteSql one statement run per such group, with {@code :group_id} (text) and {@code :ids}, that makes
     *                   another member its admin and returns that member's id (e.g. {@code UPDATE ... RETURNING})
     */
    public record Promotion(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}") String name,
                            @NotNull AccountKind appliesTo, @NotBlank String groupsSql, @NotBlank String promoteSql) {

        @AssertTrue(message = "groups-sql and promote-sql must each be exactly one statement")
        public boolean isOneStatementEach() {
            return groupsSql == null || promoteSql == null || SqlText.singleStatement(groupsSql) != null
                    && SqlText.singleStatement(promoteSql) != null;
        }

        @AssertTrue(message = "groups-sql must use :ids, and promote-sql :group_id")
        public boolean isUsingItsParameters() {
            return groupsSql == null || promoteSql == null || groupsSql.contains(":ids")
                    && promoteSql.contains(":group_id");
        }
    }

    public List<RetentionRule> retentionFor(AccountKind kind) {
        return retention.stream().filter(r -> r.appliesTo() == kind).toList();
    }

    /** The kinds this tenant has, users first. */
    public List<AccountKind> kinds() {
        return roots.kinds();
    }

    @AssertTrue(message = "retention rules, promotions and indexes may only apply to a kind named under purge.roots")
    public boolean isEveryKindConfigured() {
        return roots == null || retention.stream().allMatch(r -> r.appliesTo() == null || roots.of(r.appliesTo()) != null)
                && promotions.stream().allMatch(p -> p.appliesTo() == null || roots.of(p.appliesTo()) != null)
                && (elasticsearch == null || elasticsearch.indexes() == null
                || elasticsearch.indexes().stream().allMatch(i -> i.appliesTo() == null || roots.of(i.appliesTo()) != null));
    }

    @AssertTrue(message = "with purge.job.remote, each of purge.job.workers worker processes takes a share of Keycloak's"
            + " budget: workers must be at most purge.keycloak.threads and, when set, max-calls-per-second")
    public boolean isKeycloakBudgetShareable() {
        if (job == null || job.remote() == null || keycloak == null) {
            return true;
        }
        return job.workers() <= keycloak.threads()
                && (keycloak.maxCallsPerSecond() == 0 || job.workers() <= keycloak.maxCallsPerSecond());
    }

    @AssertTrue(message = "purge.scrub may only name a kind named under purge.roots")
    public boolean isEveryScrubbedKindConfigured() {
        return roots == null || scrub == null || java.util.Arrays.stream(AccountKind.values())
                .allMatch(k -> scrub.of(k) == null || roots.of(k) != null);
    }

    @AssertTrue(message = "a selection may only name a kind named under purge.roots")
    public boolean isEverySelectedKindConfigured() {
        return roots == null || selection == null
                || roots.kinds().containsAll(java.util.Arrays.stream(AccountKind.values())
                        .filter(k -> selection.of(k) != null).toList());
    }

    @AssertTrue(message = "purge.selection.lifecycle needs purge.keycloak (it disables users there) and a user"
            + " selection")
    public boolean isLifecycleUsable() {
        return selection == null || selection.lifecycle() == null || keycloak != null && selection.user() != null;
    }

    @AssertTrue(message = "keycloak-role and keycloak-group retention rules need the purge.keycloak section")
    public boolean isKeycloakThereForItsRules() {
        return keycloak != null || retention.stream().allMatch(r -> r.keycloakRole() == null && r.keycloakGroup() == null);
    }

    @AssertTrue(message = "the purge.keycloak section needs user accounts (purge.roots.user): orgs have no login")
    public boolean isKeycloakForUsers() {
        return keycloak == null || roots == null || roots.user() != null;
    }
}
