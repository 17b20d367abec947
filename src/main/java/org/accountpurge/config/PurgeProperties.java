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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.accountpurge.graph.EdgeRule;
import org.accountpurge.sql.SqlText;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * One purge job's configuration ({@code jobs-config/*.yml}, imported with {@code spring.config.import}).
 * Validated at start: a wrong or unknown key stops the application with the file, the key and the problem.
 *
 * @param retention why an account must stay: named rules (SQL, a Keycloak role or group), each recorded as the reason
 */
@Validated
@ConfigurationProperties(prefix = "purge", ignoreUnknownFields = false)
public record PurgeProperties(
        @Valid @NotNull @DefaultValue Postgres postgres,
        @Valid @NotNull Roots roots,
        @Valid @NotNull Edges edges,
        @NotNull @DefaultValue List<@Valid RetentionRule> retention,
        @Valid @NotNull @DefaultValue Input input,
        @Valid Selection selection,
        @Valid @NotNull @DefaultValue Guard guard,
        @Valid Schedule schedule,
        @Valid Elasticsearch elasticsearch,
        @Valid Keycloak keycloak,
        @Valid @NotNull @DefaultValue Job job,
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
     * A rule per foreign-key edge ({@code table.column}, composite keys {@code table.a+b}).
     *
     * @param defaultRule rule of edges listed nowhere; none means such edges stop the job before it deletes anything
     * @param delete  foreign-key edges ({@code table.column}) whose referencing rows are deleted with the account
     * @param setNull edges whose column is set to NULL, the row kept
     * @param protect edges that retain an account with such a row (reason {@code fk:table.column})
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

        @AssertTrue(message = "edges are named table.column (schema.table.column for a table of another schema than"
                + " purge.postgres.schema; table.a+b for a composite key)")
        public boolean isWellFormed() {
            return rules().keySet().stream().allMatch(e -> e.matches("([^.\\s]+\\.)?[^.\\s]+\\.[^.\\s]+"));
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
     * @param url            the cluster (https for a real one)
     * @param connectTimeout how long a connection may take
     * @param requestTimeout how long one request (a search, a bulk delete) may take
     * @param indexes        the indexes to clean, each with how a document belongs to an account
     */
    public record Elasticsearch(@NotBlank String url, @NotNull @DefaultValue("5s") Duration connectTimeout,
                                @NotNull @DefaultValue("60s") Duration requestTimeout,
                                @NotEmpty List<@Valid Index> indexes) {

        public List<Index> indexesFor(AccountKind kind) {
            return indexes.stream().filter(i -> i.appliesTo() == kind).toList();
        }
    }

    /** How a document belongs to an account. */
    public enum IndexMatch {
        /** the document id is the account id */
        ID,
        /** the document's {@code field} holds the account id */
        FIELD
    }

    /** An index to clean: documents whose id is the account id ({@code match: id}) or whose {@code field} holds it. */
    public record Index(@NotBlank String name, @NotNull AccountKind appliesTo,
                        @NotNull @DefaultValue("id") IndexMatch match, String field) {

        @AssertTrue(message = "match: field needs a field, match: id takes none")
        public boolean isFieldGivenWhenMatchingByField() {
            return (match == IndexMatch.FIELD) == (field != null && !field.isBlank());
        }
    }

    /** How an account finds its Keycloak user. */
    public enum UserMatch {
        /** the Keycloak user id is the account id */
        ID,
        /** the Keycloak username is the account id */
        USERNAME,
        /** the Keycloak user attribute {@code user-attribute} holds the account id */
        ATTRIBUTE,
        /** the tenant database holds the Keycloak user id: {@code user-id-sql} returns (account id, Keycloak id) */
        DATABASE
    }

    /**
     * The realm holding the users' login identities (orgs have none); leave the section out when the tenant's
     * identity provider is not Keycloak.
     *
     * @param userMatch how a platform user id finds its Keycloak user
     * @param userIdSql for {@code user-match: database}: one statement selecting (account id, Keycloak user id) for
     *                  the accounts of {@code :ids}, e.g. {@code SELECT user_id, external_id FROM
     *                  user_external_identity WHERE provider = 'keycloak' AND user_id = ANY(:ids)}; read-only session
     * @param maxCallsPerSecond at most this many Keycloak calls in any one second over all threads, so a purge cannot
     *                          starve logins; 0 = no limit
     * @param url           the server, without {@code /realms}
     * @param realm         the realm of the platform's users
     * @param clientId      a confidential client with a service account (client credentials)
     * @param clientSecret  its secret, from the environment ({@code ${PURGE_KC_CLIENT_SECRET}}); never printed
     * @param userAttribute for {@code user-match: attribute}: the user attribute holding the account id
     * @param threads       users deleted at once
     * @param timeout       connect and read timeout of each call; an account waits at most three per call
     */
    public record Keycloak(@NotBlank String url, @NotBlank String realm, @NotBlank String clientId,
                           @NotBlank String clientSecret, @NotNull @DefaultValue("id") UserMatch userMatch,
                           String userAttribute, String userIdSql, @Min(1) @Max(64) @DefaultValue("8") int threads,
                           @NotNull @DefaultValue("30s") Duration timeout,
                           @Min(0) @Max(100_000) @DefaultValue("0") int maxCallsPerSecond) {

        @AssertTrue(message = "user-match: attribute needs user-attribute (and only it takes one)")
        public boolean isAttributeNamed() {
            return (userMatch == UserMatch.ATTRIBUTE) == (userAttribute != null && !userAttribute.isBlank());
        }

        @AssertTrue(message = "user-match: database needs user-id-sql (and only it takes one): one statement using"
                + " :ids and selecting (account id, Keycloak user id)")
        public boolean isUserIdSqlGiven() {
            return (userMatch == UserMatch.DATABASE) == (userIdSql != null && !userIdSql.isBlank());
        }

        @AssertTrue(message = "must be exactly one statement: a ';' followed by more SQL is refused (the lookup only"
                + " reads)")
        public boolean isUserIdSqlOneStatement() {
            return userIdSql == null || userIdSql.isBlank() || SqlText.singleStatement(userIdSql) != null;
        }

        @AssertTrue(message = "must use the parameter :ids (the chunk's account ids)")
        public boolean isUserIdSqlUsingIds() {
            return userIdSql == null || userIdSql.isBlank() || userIdSql.contains(":ids");
        }
    }

    /**
     * @param chunkSize         accounts purged per chunk (one database transaction)
     * @param reportDirectory   where each execution's report folder is written (run-R-execution-E)
     * @param retryAttempts     calls of a store for a transient error (timeout, refused connection, HTTP 429/5xx),
     *                          the first included; then the run fails, restartable
     * @param retryBackoff      wait before the first retry, doubled before each next one
     * @param maxFailedAccounts accounts a run may leave FAILED (a store refused them for good) before it fails
     * @param maxFailedShare    the same as a share (0..1) of the kind's candidates in the run; none when unset
     * @param window            when executions must stop (restartable); none when unset
     * @param progress          live progress of each step: {@code auto} (a bar on a terminal, otherwise a line
     *                          every {@code progressInterval}), {@code bar}, {@code log}, or {@code off}
     * @param progressInterval  how often the progress line is logged when output is not a terminal
     * @param loadChunkSize     input rows per transaction while the candidates are loaded (rows are small: large
     *                          chunks keep the job repository's per-chunk bookkeeping out of the way)
     * @param loadSortMemory    PostgreSQL {@code work_mem} of the one transaction that freezes the loaded candidates
     *                          (it sorts the run's ids); more sorts in memory, less spills to disk
     * @param verifyPageSize    purged accounts the verification checks per transaction: a stop asked during it waits
     *                          for one page, and its restart goes on from the next
     */
    public record Job(@Min(1) @Max(5000) @DefaultValue("100") int chunkSize,
                      @NotBlank @DefaultValue("target/purge-reports") String reportDirectory,
                      @Min(1) @Max(20) @DefaultValue("3") int retryAttempts,
                      @NotNull @DefaultValue("1s") Duration retryBackoff,
                      @Min(0) @DefaultValue("50") int maxFailedAccounts,
                      @jakarta.validation.constraints.DecimalMin("0") @jakarta.validation.constraints.DecimalMax("1")
                      Double maxFailedShare,
                      @Valid Window window,
                      @NotBlank @Pattern(regexp = "auto|bar|log|off") @DefaultValue("auto") String progress,
                      @NotNull @DefaultValue("30s") Duration progressInterval,
                      @Min(1) @Max(100000) @DefaultValue("5000") int loadChunkSize,
                      @NotBlank @Pattern(regexp = "[1-9][0-9]{0,6}(kB|MB|GB)", message = "must be a PostgreSQL memory"
                              + " size such as 64MB or 1GB") @DefaultValue("256MB") String loadSortMemory,
                      @Min(1) @Max(10000) @DefaultValue("500") int verifyPageSize) {
    }

    /**
     * A time window for executions: once the wall clock passes {@code closesAt} (its next occurrence after the
     * execution started), the execution stops after its current chunk: STOPPED, restartable (exit code 5).
     *
     * @param closesAt  {@code HH:mm} or {@code HH:mm:ss}, in {@code zone}
     * @param zone      a time zone id ({@code UTC}, {@code Asia/Kolkata})
     * @param nextNight what {@code nightly} does with a run of an earlier date that its window stopped: {@code resume}
     *                  it first (then tonight's run, if the window is still open), or start {@code fresh} (the stopped
     *                  run is abandoned; its accounts are still inactive, so tonight's selection takes them again)
     */
    public record Window(@NotBlank String closesAt, @NotBlank @DefaultValue("UTC") String zone,
                         @NotBlank @Pattern(regexp = "resume|fresh") @DefaultValue("resume") String nextNight) {

        public java.time.LocalTime closingTime() {
            return java.time.LocalTime.parse(closesAt);
        }

        public java.time.ZoneId zoneId() {
            return java.time.ZoneId.of(zone);
        }

        public boolean resumes() {
            return "resume".equals(nextNight);
        }

        /** When an execution that started at {@code start} must stop: the next {@code closesAt} after it. */
        public java.time.Instant closesAfter(java.time.Instant start) {
            java.time.ZonedDateTime started = start.atZone(zoneId());
            java.time.ZonedDateTime closes = started.with(closingTime());
            return (closes.isAfter(started) ? closes : closes.plusDays(1)).toInstant();
        }

        @AssertTrue(message = "closes-at is a time of day (HH:mm or HH:mm:ss) and zone a time zone id (UTC,"
                + " Europe/Berlin)")
        public boolean isReadable() {
            try {
                closingTime();
                zoneId();
                return true;
            } catch (RuntimeException e) {
                return closesAt == null || zone == null;
            }
        }
    }

    /**
     * Candidates chosen by the tenant's own inactivity rule (the {@code nightly} command) instead of a CSV: per kind,
     * one read-only query selecting the account ids, with named cut-offs computed from the run date.
     *
     * @param name          names the selection in the job repository: a run is this name and a run date
     * @param requireEvents refuse to start when the realm does not keep login events for the whole inactivity window
     *                      (otherwise a warning: the veto then rests on sessions and the database column)
     * @param lifecycle     a grace period for selected users: warn, later disable, later purge; none when unset
     */
    public record Selection(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}") @DefaultValue("nightly") String name,
                            @Valid KindSelection user, @Valid KindSelection org,
                            @DefaultValue("false") boolean requireEvents, @Valid Lifecycle lifecycle) {

        /** The kind's selection, or null when this kind is not selected. */
        public KindSelection of(AccountKind kind) {
            return kind == AccountKind.USER ? user : org;
        }

        @AssertTrue(message = "name a selection for user and/or org (sql, cutoffs)")
        public boolean isAnyKind() {
            return user != null || org != null;
        }
    }

    /**
     * @param sql           one statement selecting the account ids (first column, the root id type), e.g. {@code
     *                      SELECT id FROM users WHERE last_login_at < :inactive_before}; it runs read-only, paged by
     *                      the tool (keyset on the id, never OFFSET); named parameters are the cut-offs and values
     * @param cutoffs       named instants: the run date (00:00 UTC) minus an age ({@code 730d}, {@code P730D})
     * @param values        named text values (a scope: a root org, a state), bound as text: cast in the SQL
     * @param activitySince any login, token or session after the run date minus this keeps the account (reason
     *                      {@code active-again}), checked again just before the account is locked out; default the
     *                      youngest cut-off
     * @param scopeSql      one statement counting the accounts in scope (the same named parameters), the base of
     *                      {@code purge.guard.max-share}; default all rows of the kind's root table
     */
    public record KindSelection(@NotBlank String sql, @NotNull @DefaultValue List<@Valid Cutoff> cutoffs,
                                @NotNull @DefaultValue List<@Valid Value> values, Duration activitySince,
                                String scopeSql) {

        private static final java.util.regex.Pattern PARAMETER =
                java.util.regex.Pattern.compile("(?<![:\\w]):([A-Za-z_][A-Za-z0-9_]*)");

        /** The named parameters the SQL uses. */
        public java.util.Set<String> parameters() {
            java.util.Set<String> names = new java.util.TreeSet<>();
            java.util.regex.Matcher m = PARAMETER.matcher(sql == null ? "" : sql);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        /** The age before the run date after which activity keeps an account; null when nothing defines it. */
        public Duration activityAge() {
            return activitySince != null ? activitySince
                    : cutoffs.stream().map(Cutoff::age).filter(java.util.Objects::nonNull).min(Duration::compareTo)
                            .orElse(null);
        }

        @AssertTrue(message = "the sql and the scope-sql must each be exactly one statement")
        public boolean isSingleStatement() {
            return (sql == null || SqlText.singleStatement(sql) != null)
                    && (scopeSql == null || SqlText.singleStatement(scopeSql) != null);
        }

        @AssertTrue(message = "every :name in the sql must be a cutoff or a value, and every cutoff and value must be"
                + " used in the sql")
        public boolean isEveryParameterDefined() {
            java.util.Set<String> defined = new java.util.TreeSet<>();
            cutoffs.forEach(c -> defined.add(c.name()));
            values.forEach(v -> defined.add(v.name()));
            return sql == null || parameters().equals(defined);
        }
    }

    /**
     * The grace lifecycle of selected users, one step per night: a user selected for the first time is warned (a
     * notice queued through {@code noticeSql}), {@code disableAfter} later disabled in Keycloak (reversible, data
     * kept), {@code purgeAfter} after that purged — only while still selected, not retained and still disabled.
     * Activity, retention or a re-enabled Keycloak user cancels the cycle.
     *
     * @param disableAfter from the warning to disabling
     * @param purgeAfter   from disabling to the purge
     * @param mode         {@code purge}, or {@code disable-only}: disabled accounts are never purged
     * @param noticeSql    one statement run for each warned account in the chunk's transaction, with
     *                     {@code :account_id}, {@code :disable_on} and {@code :purge_on} (dates), e.g. an insert into
     *                     the platform's notification outbox; the tool never reads an address
     */
    public record Lifecycle(@NotNull Duration disableAfter, @NotNull Duration purgeAfter,
                            @NotBlank @Pattern(regexp = "purge|disable-only") @DefaultValue("purge") String mode,
                            String noticeSql, @Valid Mail mail) {

        public boolean purges() {
            return "purge".equals(mode);
        }

        @AssertTrue(message = "notice-sql must be exactly one statement using :account_id")
        public boolean isNoticeUsable() {
            return noticeSql == null || SqlText.singleStatement(noticeSql) != null && noticeSql.contains(":account_id");
        }

        @AssertTrue(message = "a lifecycle warns: give notice-sql, mail, or both")
        public boolean isNoticeGiven() {
            return noticeSql != null || mail != null;
        }
    }

    /**
     * The warning by mail, through {@code spring.mail.*} (the platform's SMTP relay). {@code {disable_on}} and
     * {@code {purge_on}} in the subject and text are replaced by the dates; nothing else of the user is used.
     *
     * @param emailSql one read-only statement selecting (account id, address) for {@code :ids}; addresses are never
     *                 logged
     * @param from    the sender address
     * @param subject the subject of the warning
     * @param text    the body of the warning (plain text)
     */
    public record Mail(@NotBlank String from, @NotBlank String subject, @NotBlank String text,
                       @NotBlank String emailSql) {

        @AssertTrue(message = "email-sql must be exactly one statement using :ids")
        public boolean isEmailSqlUsable() {
            return emailSql == null || SqlText.singleStatement(emailSql) != null && emailSql.contains(":ids");
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

    /** @param age how long before the run date (00:00 UTC): {@code 730d}, {@code P730D}, {@code 36h} */
    public record Cutoff(@NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,62}") String name, @NotNull Duration age) {
    }

    public record Value(@NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,62}") String name, @NotNull String value) {
    }

    public List<RetentionRule> retentionFor(AccountKind kind) {
        return retention.stream().filter(r -> r.appliesTo() == kind).toList();
    }

    /** The kinds this tenant has, users first. */
    public List<AccountKind> kinds() {
        return roots.kinds();
    }

    @AssertTrue(message = "retention rules and indexes may only apply to a kind named under purge.roots")
    public boolean isEveryKindConfigured() {
        return roots == null || retention.stream().allMatch(r -> r.appliesTo() == null || roots.of(r.appliesTo()) != null)
                && (elasticsearch == null || elasticsearch.indexes() == null
                || elasticsearch.indexes().stream().allMatch(i -> i.appliesTo() == null || roots.of(i.appliesTo()) != null));
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
