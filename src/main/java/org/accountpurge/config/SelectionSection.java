package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.accountpurge.account.AccountKind;
import org.accountpurge.sql.SqlText;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Candidates chosen by the tenant's own inactivity rule (the {@code nightly} command) instead of a CSV: per kind,
 * one read-only query selecting the account ids, with named cut-offs computed from the run date.
 *
 * @param name          names the selection in the job repository: a run is this name and a run date
 * @param requireEvents refuse to start when the realm does not keep login events for the whole inactivity window
 *                      (otherwise a warning: the veto then rests on sessions and the database column)
 * @param lifecycle     a grace period for selected users: warn, later disable, later purge; none when unset
 */
public record SelectionSection(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}") @DefaultValue("nightly") String name,
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

    /** @param age how long before the run date (00:00 UTC): {@code 730d}, {@code P730D}, {@code 36h} */
    public record Cutoff(@NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,62}") String name, @NotNull Duration age) {
    }


    public record Value(@NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,62}") String name, @NotNull String value) {
    }
}
