package org.accountpurge.store.keycloak;

import java.time.Duration;
import org.accountpurge.config.KeycloakSection.UserMatch;

/**
 * How the Keycloak store reaches the realm and finds an account's users.
 *
 * @param clientId          the service account's client (client credentials)
 * @param timeout           each call's, and the deadline of one user's deletion (three calls)
 * @param threads           users deleted at once
 * @param maxCallsPerSecond calls a second over all threads (0: no limit)
 * @param attribute         for {@link UserMatch#ATTRIBUTE}: the user attribute holding the account id
 * @param scrub             the purge keeps the user, disabled and scrubbed, instead of deleting it
 */
public record KeycloakSettings(String url, String realm, String clientId, String clientSecret, Duration timeout,
                               int threads, int maxCallsPerSecond, UserMatch match, String attribute,
                               boolean scrub) {

    public KeycloakSettings(String url, String realm, String clientId, String clientSecret, Duration timeout,
                            int threads, int maxCallsPerSecond, UserMatch match, String attribute) {
        this(url, realm, clientId, clientSecret, timeout, threads, maxCallsPerSecond, match, attribute, false);
    }

    /**
     * One of {@code workers} processes' share of the tenant's budget: the threads and calls per second divided among
     * them (at least one thread and one call a second each; no limit stays no limit), so that adding workers never
     * adds load on Keycloak beyond the configured total.
     */
    public KeycloakSettings shareOf(int workers) {
        if (workers <= 1) {
            return this;
        }
        return new KeycloakSettings(url, realm, clientId, clientSecret, timeout, Math.max(1, threads / workers),
                maxCallsPerSecond == 0 ? 0 : Math.max(1, maxCallsPerSecond / workers), match, attribute, scrub);
    }

    @Override
    public String toString() { // never the secret
        return "KeycloakSettings[url=" + url + ", realm=" + realm + ", clientId=" + clientId + ", timeout=" + timeout
                + ", threads=" + threads + ", maxCallsPerSecond=" + maxCallsPerSecond + ", match=" + match + ", scrub="
                + scrub + "]";
    }
}
