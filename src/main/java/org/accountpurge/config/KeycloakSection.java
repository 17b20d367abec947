package org.accountpurge.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.accountpurge.sql.SqlText;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The realm holding the users' login identities (orgs have none); leave the section out when the tenant's
 * identity provider is not Keycloak.
 *
 * @param userMatch how a platform user id finds its Keycloak user
 * @param userIdSql for {@code user-match: database}: one statement selecting (account id, Keycloak user id) for
 *                  the accounts of {@code :ids}, e.g. {@code SELECT user_id, external_id FROM
 *                  user_external_identity WHERE provider = 'keycloak' AND user_id = ANY(:ids)}; read-only session
 * @param maxCallsPerSecond at most this many Keycloak calls in any one second over all threads, so a purge cannot
 *                          starve logins; 0 = no limit. The tenant's total: with {@code purge.job.remote} each
 *                          of the {@code purge.job.workers} worker processes takes its share
 * @param url           the server, without {@code /realms}
 * @param realm         the realm of the platform's users
 * @param clientId      a confidential client with a service account (client credentials)
 * @param clientSecret  its secret, from the environment ({@code ${PURGE_KC_CLIENT_SECRET}}); never printed
 * @param userAttribute for {@code user-match: attribute}: the user attribute holding the account id
 * @param threads       users deleted at once (the tenant's total, shared by remote workers as the calls are)
 * @param timeout       connect and read timeout of each call; an account waits at most three per call
 * @param onPurge       what the purge does to a purged account's Keycloak user: {@code delete} it, or {@code scrub}
 *                      it where the identity must stay (another system holds its id): disabled, its sessions ended,
 *                      its email, first and last name and attributes cleared (the one the user is matched by kept),
 *                      its username left as it is
 */
public record KeycloakSection(@NotBlank String url, @NotBlank String realm, @NotBlank String clientId,
                       @NotBlank String clientSecret, @NotNull @DefaultValue("id") UserMatch userMatch,
                       String userAttribute, String userIdSql, @Min(1) @Max(64) @DefaultValue("8") int threads,
                       @NotNull @DefaultValue("30s") Duration timeout,
                       @Min(0) @Max(100_000) @DefaultValue("0") int maxCallsPerSecond,
                       @NotNull @DefaultValue("delete") OnPurge onPurge) {

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

    /** What the purge does to an account's Keycloak user. */
    public enum OnPurge {
        /** delete the user */
        DELETE,
        /** keep the user, disabled, logged out, its email, names and attributes cleared */
        SCRUB
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
}
