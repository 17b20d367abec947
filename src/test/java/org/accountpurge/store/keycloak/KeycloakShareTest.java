package org.accountpurge.store.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.accountpurge.config.KeycloakSection.UserMatch;
import org.junit.jupiter.api.Test;

/** One budget for Keycloak: each of N worker processes takes 1/N of the tenant's threads and calls per second. */
class KeycloakShareTest {

    final KeycloakSettings tenant = new KeycloakSettings("http://kc", "realm", "client", "secret",
            Duration.ofSeconds(10), 8, 100, UserMatch.ID, null);

    @Test
    void workersShareTheTenantsThreadsAndRateNeverExceedingThem() {
        assertThat(tenant.shareOf(1)).isSameAs(tenant);
        KeycloakSettings half = tenant.shareOf(2);
        assertThat(half.threads()).isEqualTo(4);
        assertThat(half.maxCallsPerSecond()).isEqualTo(50);
        KeycloakSettings third = tenant.shareOf(3);
        assertThat(third.threads() * 3).isLessThanOrEqualTo(8);
        assertThat(third.maxCallsPerSecond() * 3).isLessThanOrEqualTo(100);
    }

    @Test
    void eachWorkerKeepsAtLeastOneThreadAndOneCallAndNoLimitStaysNoLimit() {
        KeycloakSettings many = tenant.shareOf(64);
        assertThat(many.threads()).isEqualTo(1);
        assertThat(many.maxCallsPerSecond()).isEqualTo(1);
        KeycloakSettings unlimited = new KeycloakSettings("http://kc", "realm", "client", "secret",
                Duration.ofSeconds(10), 8, 0, UserMatch.ID, null).shareOf(4);
        assertThat(unlimited.maxCallsPerSecond()).isZero();
        assertThat(unlimited.clientSecret()).isEqualTo("secret");
    }
}
