package org.accountpurge.store.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;

/** When a kept Keycloak user counts as scrubbed: what the verification and a second run go by. */
class KeycloakScrubTest {

    private final KeycloakScrub byAttribute = new KeycloakScrub(null, "platformId");

    private static UserRepresentation user(boolean enabled, String email, String first, Map<String, List<String>> attrs) {
        UserRepresentation user = new UserRepresentation();
        user.setEnabled(enabled);
        user.setEmail(email);
        user.setFirstName(first);
        user.setAttributes(attrs);
        return user;
    }

    @Test
    void aDisabledUserWithNothingButItsMatchingAttributeIsScrubbed() {
        assertThat(byAttribute.scrubbed(user(false, "", null, Map.of("platformId", List.of("42"))))).isTrue();
        assertThat(byAttribute.scrubbed(user(false, null, "", null))).isTrue();
    }

    @Test
    void anEnabledUserOrOneHoldingAnEmailANameOrAnotherAttributeIsNot() {
        assertThat(byAttribute.scrubbed(user(true, null, null, null))).isFalse();
        assertThat(byAttribute.scrubbed(user(false, "a@b.example", null, null))).isFalse();
        assertThat(byAttribute.scrubbed(user(false, null, "Ann", null))).isFalse();
        assertThat(byAttribute.scrubbed(user(false, null, null, Map.of("phone", List.of("123"))))).isFalse();
    }
}
