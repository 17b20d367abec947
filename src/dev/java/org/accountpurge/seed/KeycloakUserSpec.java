package org.accountpurge.seed;

import java.util.List;
import java.util.Map;

/** A user to create in a realm (seeding). The id is the platform's user id. */
public record KeycloakUserSpec(String id, String username, String email, String firstName, String lastName,
                               boolean enabled, Map<String, List<String>> attributes, List<String> realmRoles,
                               List<String> groups) {
}
