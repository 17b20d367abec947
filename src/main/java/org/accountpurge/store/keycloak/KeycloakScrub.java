package org.accountpurge.store.keycloak;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.TargetOutcome;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * A purged account's Keycloak user kept where the identity must stay ({@code purge.keycloak.on-purge: scrub}): disabled,
 * its sessions ended, its email, first and last name and attributes cleared — the attribute it is matched by kept, so
 * that a verification or a second run still finds it. Its username stays (the realm decides whether it may change).
 * A user already so is left alone: a second run changes nothing.
 */
final class KeycloakScrub {

    private final KeycloakClient client;
    /** The attribute the user is matched by (kept), or null. */
    private final String matchAttribute;

    KeycloakScrub(KeycloakClient client, String matchAttribute) {
        this.client = client;
        this.matchAttribute = matchAttribute;
    }

    /** SCRUBBED 1, ABSENT (no such user, or scrubbed already) or FAILED with the HTTP status. */
    TargetOutcome scrub(String kcId) {
        UserRepresentation user;
        client.pace(1);
        try (Response response = client.userCalls().user(client.realm(), kcId)) {
            TargetOutcome unusual = unusual(response);
            if (unusual != null) {
                return unusual;
            }
            user = response.readEntity(UserRepresentation.class);
        }
        if (scrubbed(user)) {
            return TargetOutcome.absent();
        }
        client.pace(2);
        try (Response response = client.userCalls().update(client.realm(), kcId, cleared(user))) {
            TargetOutcome unusual = unusual(response);
            if (unusual != null) {
                return unusual;
            }
        }
        try (Response response = client.userCalls().logout(client.realm(), kcId)) {
            TargetOutcome unusual = unusual(response);
            if (unusual != null) {
                return unusual;
            }
        }
        return TargetOutcome.scrubbed(1);
    }

    /** PRESENT 1 while the user is there and not (yet) disabled and scrubbed; ABSENT otherwise. */
    TargetOutcome left(String kcId) {
        client.pace(1);
        try (Response response = client.userCalls().user(client.realm(), kcId)) {
            TargetOutcome unusual = unusual(response);
            if (unusual != null) {
                return unusual;
            }
            return scrubbed(response.readEntity(UserRepresentation.class)) ? TargetOutcome.absent()
                    : TargetOutcome.present(1);
        }
    }

    /** Whether the user is disabled with nothing of the person left in it. */
    boolean scrubbed(UserRepresentation user) {
        return Boolean.FALSE.equals(user.isEnabled()) && blank(user.getEmail()) && blank(user.getFirstName())
                && blank(user.getLastName()) && (user.getAttributes() == null || user.getAttributes().keySet()
                .stream().allMatch(name -> name.equals(matchAttribute)));
    }

    private UserRepresentation cleared(UserRepresentation user) {
        UserRepresentation change = new UserRepresentation();
        change.setUsername(user.getUsername()); // unchanged: a user profile validates the username it is sent
        change.setEnabled(false);
        change.setEmail("");
        change.setEmailVerified(false);
        change.setFirstName("");
        change.setLastName("");
        change.setRequiredActions(List.of());
        Map<String, List<String>> kept = new java.util.HashMap<>();
        if (matchAttribute != null && user.getAttributes() != null && user.getAttributes().containsKey(matchAttribute)) {
            kept.put(matchAttribute, user.getAttributes().get(matchAttribute));
        }
        change.setAttributes(kept);
        return change;
    }

    /** 404 → ABSENT, 401 → a fresh token and once more, another non-2xx → FAILED; null when it succeeded. */
    private static TargetOutcome unusual(Response response) {
        int status = response.getStatus();
        if (status == 401) {
            throw new NotAuthorizedException(response);
        }
        if (status == 404) {
            return TargetOutcome.absent();
        }
        return status / 100 == 2 ? null : TargetOutcome.failed("HTTP " + status);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
