package org.accountpurge.seed;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.StoreException;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.PartialImportRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * Creates a tenant realm (as the master admin): realm roles, groups, a service-account client for the
 * purge with only the realm-management roles it needs, and users in bulk through partial import (which
 * keeps the given ids).
 */
public final class KeycloakRealmSetup implements AutoCloseable {

    /**
     * What the purge's service account may do: find, read, disable, log out and delete users; read role and group
     * members; read login events (the nightly purge's activity veto).
     */
    public static final List<String> PURGE_CLIENT_ROLES =
            List.of("view-users", "query-users", "manage-users", "query-groups", "view-realm", "view-events");

    /** A public client of the tenant realm through which a test logs a user in (direct grant), as the portal would. */
    public static final String PORTAL_CLIENT = "portal-web";

    private static final int IMPORT_BATCH = 500;

    private final Keycloak keycloak;

    public KeycloakRealmSetup(String url, String adminUser, String adminPassword, Duration timeout) {
        this.keycloak = org.keycloak.admin.client.KeycloakBuilder.builder().serverUrl(url).realm("master")
                .clientId("admin-cli").username(adminUser).password(adminPassword)
                .grantType(org.keycloak.OAuth2Constants.PASSWORD)
                .resteasyClient(new org.jboss.resteasy.client.jaxrs.internal.ResteasyClientBuilderImpl()
                        .connectionPoolSize(4).maxPooledPerRoute(4)
                        .connectTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .readTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).build())
                .build();
    }

    /** Deletes the realm if present and creates it afresh; returns the purge client's secret. */
    public String recreateRealm(String realm, List<String> realmRoles, List<String> groups, String purgeClientId,
                                String purgeClientSecret) {
        try {
            try {
                keycloak.realm(realm).remove();
            } catch (NotFoundException absent) {
                // first time
            }
            RealmRepresentation rep = new RealmRepresentation();
            rep.setRealm(realm);
            rep.setEnabled(true);
            rep.setEventsEnabled(true); // login events, kept without expiry: the activity veto reads them
            keycloak.realms().create(rep);
            RealmResource r = keycloak.realm(realm);

            UPConfig profile = r.users().userProfile().getConfiguration();
            profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ENABLED);
            r.users().userProfile().update(profile);

            for (String role : realmRoles) {
                r.roles().create(new RoleRepresentation(role, "reference tenant role", false));
            }
            for (String group : groups) {
                GroupRepresentation g = new GroupRepresentation();
                g.setName(group);
                try (Response response = r.groups().add(g)) {
                    check(response, "create group");
                }
            }
            ClientRepresentation client = new ClientRepresentation();
            client.setClientId(purgeClientId);
            client.setPublicClient(false);
            client.setServiceAccountsEnabled(true);
            client.setStandardFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(false);
            client.setSecret(purgeClientSecret);
            String clientUuid;
            try (Response response = r.clients().create(client)) {
                check(response, "create client");
                clientUuid = idFromLocation(response);
            }
            ClientRepresentation portal = new ClientRepresentation();
            portal.setClientId(PORTAL_CLIENT);
            portal.setPublicClient(true);
            portal.setStandardFlowEnabled(false);
            portal.setDirectAccessGrantsEnabled(true);
            try (Response response = r.clients().create(portal)) {
                check(response, "create portal client");
            }
            String serviceUser = r.clients().get(clientUuid).getServiceAccountUser().getId();
            String realmManagement = r.clients().findByClientId("realm-management").get(0).getId();
            List<RoleRepresentation> roles = new ArrayList<>();
            for (String role : PURGE_CLIENT_ROLES) {
                roles.add(r.clients().get(realmManagement).roles().get(role).toRepresentation());
            }
            r.users().get(serviceUser).roles().clientLevel(realmManagement).add(roles);
            return purgeClientSecret;
        } catch (RuntimeException e) {
            throw translate("create realm " + realm, e);
        }
    }

    /** Takes a realm-management role away from the purge client's service account (a client set up too narrowly). */
    public void revokePurgeClientRole(String realm, String purgeClientId, String role) {
        try {
            RealmResource r = keycloak.realm(realm);
            String clientUuid = r.clients().findByClientId(purgeClientId).get(0).getId();
            String serviceUser = r.clients().get(clientUuid).getServiceAccountUser().getId();
            String realmManagement = r.clients().findByClientId("realm-management").get(0).getId();
            r.users().get(serviceUser).roles().clientLevel(realmManagement).remove(
                    List.of(r.clients().get(realmManagement).roles().get(role).toRepresentation()));
        } catch (RuntimeException e) {
            throw translate("revoke " + role + " in realm " + realm, e);
        }
    }

    /** Creates users in batches with partial import; ids are kept. */
    public void importUsers(String realm, List<KeycloakUserSpec> users) {
        for (int from = 0; from < users.size(); from += IMPORT_BATCH) {
            List<UserRepresentation> batch = new ArrayList<>();
            for (KeycloakUserSpec u : users.subList(from, Math.min(users.size(), from + IMPORT_BATCH))) {
                UserRepresentation rep = new UserRepresentation();
                rep.setId(u.id());
                rep.setUsername(u.username());
                rep.setEmail(u.email());
                rep.setEmailVerified(u.email() != null);
                rep.setFirstName(u.firstName());
                rep.setLastName(u.lastName());
                rep.setEnabled(u.enabled());
                rep.setAttributes(u.attributes());
                rep.setRealmRoles(u.realmRoles());
                rep.setGroups(u.groups().stream().map(g -> "/" + g).toList());
                batch.add(rep);
            }
            PartialImportRepresentation partial = new PartialImportRepresentation();
            partial.setIfResourceExists(PartialImportRepresentation.Policy.FAIL.name());
            partial.setUsers(batch);
            try (Response response = keycloak.realm(realm).partialImport(partial)) {
                check(response, "import users");
            } catch (RuntimeException e) {
                throw translate("import users into " + realm, e);
            }
        }
    }

    /**
     * Gives the user a password and logs them in through the portal client (direct grant), as a returning user
     * would: Keycloak records a LOGIN event and opens a session.
     */
    public void logIn(String realm, String userId, String keycloakUrl) {
        String password = "pw-" + java.util.UUID.randomUUID();
        try {
            org.keycloak.representations.idm.CredentialRepresentation credential =
                    new org.keycloak.representations.idm.CredentialRepresentation();
            credential.setType(org.keycloak.representations.idm.CredentialRepresentation.PASSWORD);
            credential.setTemporary(false);
            credential.setValue(password);
            keycloak.realm(realm).users().get(userId).resetPassword(credential);
            String username = keycloak.realm(realm).users().get(userId).toRepresentation().getUsername();
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(keycloakUrl + "/realms/" + realm
                                    + "/protocol/openid-connect/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=password&client_id="
                                    + PORTAL_CLIENT + "&username=" + java.net.URLEncoder.encode(username,
                                    java.nio.charset.StandardCharsets.UTF_8) + "&password=" + password)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new StoreException("keycloak", "log in answered HTTP " + response.statusCode() + ": "
                        + response.body(), null);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("keycloak", "log in failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("keycloak", "log in interrupted", e);
        } catch (RuntimeException e) {
            throw translate("log in " + userId + " to " + realm, e);
        }
    }

    /** The realm's event store: on or off, and how long events are kept (null: no expiry). */
    public void storeEvents(String realm, boolean enabled, Long expirationSeconds) {
        try {
            org.keycloak.representations.idm.RealmEventsConfigRepresentation events =
                    keycloak.realm(realm).getRealmEventsConfig();
            events.setEventsEnabled(enabled);
            events.setEventsExpiration(expirationSeconds);
            keycloak.realm(realm).updateRealmEventsConfig(events);
        } catch (RuntimeException e) {
            throw translate("configure the events of " + realm, e);
        }
    }

    /** Enables the user again, as a support engineer would. */
    public void enable(String realm, String userId) {
        try {
            UserRepresentation enable = new UserRepresentation();
            enable.setEnabled(true);
            keycloak.realm(realm).users().get(userId).update(enable);
        } catch (RuntimeException e) {
            throw translate("enable " + userId + " in " + realm, e);
        }
    }

    /** Users of the realm, service-account users excluded. */
    public long countUsers(String realm) {
        try {
            return keycloak.realm(realm).users().count();
        } catch (RuntimeException e) {
            throw translate("count users of " + realm, e);
        }
    }

    public boolean userExists(String realm, String id) {
        try {
            keycloak.realm(realm).users().get(id).toRepresentation();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The user as Keycloak holds it, for before/after comparisons in tests; null when absent. */
    public Map<String, Object> describeUser(String realm, String id) {
        try {
            UserRepresentation u = keycloak.realm(realm).users().get(id).toRepresentation();
            return Map.of("id", u.getId(), "username", u.getUsername(), "enabled", u.isEnabled(),
                    "email", String.valueOf(u.getEmail()), "attributes", String.valueOf(u.getAttributes()),
                    "roles", keycloak.realm(realm).users().get(id).roles().realmLevel().listAll().stream()
                            .map(RoleRepresentation::getName).sorted().toList().toString());
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** Every user of the realm as a comparable text (id to description), for before/after comparisons in tests. */
    public Map<String, String> allUsers(String realm) {
        Map<String, String> users = new java.util.TreeMap<>();
        for (int first = 0; ; first += 500) {
            List<UserRepresentation> page = keycloak.realm(realm).users().list(first, 500);
            page.forEach(u -> users.put(u.getId(), String.join("|", u.getUsername(), String.valueOf(u.getEmail()),
                    String.valueOf(u.getFirstName()), String.valueOf(u.getLastName()), String.valueOf(u.isEnabled()),
                    String.valueOf(u.isEmailVerified()), String.valueOf(new java.util.TreeMap<>(
                            u.getAttributes() == null ? Map.of() : u.getAttributes())))));
            if (page.size() < 500) {
                return users;
            }
        }
    }

    private static void check(Response response, String what) {
        if (response.getStatus() >= 300) {
            throw new StoreException("keycloak", what + " answered HTTP " + response.getStatus(), null);
        }
    }

    private static String idFromLocation(Response response) {
        String path = response.getLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static StoreException translate(String what, RuntimeException e) {
        if (e instanceof StoreException s) {
            return s;
        }
        return new StoreException("keycloak", what + " failed: " + e.getClass().getSimpleName(), e);
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
