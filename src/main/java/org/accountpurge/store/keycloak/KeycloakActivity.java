package org.accountpurge.store.keycloak;

import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * What the realm says of users' activity, for the nightly purge's veto and the grace lifecycle: activity events and
 * sessions since a time, whether a user is enabled, and whether the realm keeps the events the veto reads. Reads only.
 */
public final class KeycloakActivity {

    private final KeycloakClient client;
    private final KeycloakUsers users;

    KeycloakActivity(KeycloakClient client, KeycloakUsers users) {
        this.client = client;
        this.users = users;
    }

    /** Keycloak events that show a user was active: an interactive login, a code exchanged, a token refreshed. */
    static final List<String> ACTIVITY_EVENTS = List.of("LOGIN", "CODE_TO_TOKEN", "REFRESH_TOKEN");

    /**
     * The accounts whose Keycloak user was active after {@code since}: an activity event of that user (when the realm
     * stores events) or any session, online or offline. When Keycloak cannot answer for an account, the call fails
     * (the chunk fails before anything of it is touched, and is retried or restarted): a doubt never purges.
     */
    public Set<String> activeSince(List<String> accountIds, java.time.Instant since) {
        List<String> offlineClients = client.call("clients with offline sessions", () -> client.resource()
                .getClientSessionStats()
                .stream().filter(stat -> !"0".equals(String.valueOf(stat.getOrDefault("offline", "0"))))
                .map(stat -> stat.get("id")).filter(java.util.Objects::nonNull).toList());
        String day = java.time.LocalDate.ofInstant(since, java.time.ZoneOffset.UTC).toString();
        return users.accountsWhere(accountIds, "reading the activity of users", kcId -> {
            client.pace(2 + offlineClients.size());
            boolean active = client.resource().getEvents(ACTIVITY_EVENTS, null, kcId, day, null, null, 0, 1).stream()
                    .anyMatch(e -> e.getTime() >= since.toEpochMilli());
            return active || !KeycloakClient.emptyArray(client.userCalls().sessions(client.realm(), kcId))
                    || offlineClients.stream().anyMatch(offline -> !KeycloakClient.emptyArray(client.userCalls()
                            .offlineSessions(client.realm(), kcId, offline)));
        });
    }

    /** The accounts (of {@code accountIds}) whose Keycloak user exists and is enabled; a failed call throws. */
    public Set<String> enabledAmong(List<String> accountIds) {
        return users.accountsWhere(accountIds, "reading whether users are enabled", kcId -> {
            client.pace(1);
            try (Response response = client.userCalls().user(client.realm(), kcId)) {
                return Boolean.TRUE.equals(KeycloakClient.succeeded(response).readEntity(UserRepresentation.class)
                        .isEnabled());
            }
        });
    }

    /**
     * Why the realm's events cannot show activity over {@code window} (events not stored, or kept for less), or null
     * when they can.
     */
    public String eventsProblem(Duration window) {
        org.keycloak.representations.idm.RealmEventsConfigRepresentation events = client.call(
                "the realm's events settings",
                () -> client.resource().getRealmEventsConfig());
        if (!Boolean.TRUE.equals(events.isEventsEnabled())) {
            return "realm " + client.realm() + " stores no login events: only sessions and the database column show"
                    + " activity";
        }
        List<String> types = events.getEnabledEventTypes();
        if (types != null && !types.isEmpty() && !types.contains("LOGIN")) {
            return "realm " + client.realm() + " does not store LOGIN events: only sessions and the database column"
                    + " show"
                    + " activity";
        }
        Long expiration = events.getEventsExpiration();
        if (expiration != null && expiration > 0 && Duration.ofSeconds(expiration).compareTo(window) < 0) {
            return "realm " + client.realm() + " keeps events for " + Duration.ofSeconds(expiration).toDays()
                    + " days, less"
                    + " than the inactivity window of " + window.toDays() + " days";
        }
        return null;
    }
}
