package org.accountpurge.store.keycloak;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.accountpurge.store.StoreException;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The retention rules' look-ups in the realm: who holds a realm role, who is in a group, and which of a chunk's
 * accounts those are. Reads only.
 */
public final class KeycloakLookups {

    private static final int PAGE = 500;

    private final KeycloakClient client;
    private final KeycloakUsers users;

    KeycloakLookups(KeycloakClient client, KeycloakUsers users) {
        this.client = client;
        this.users = users;
    }

    /**
     * Who holds the realm role directly, as keys {@link #holdersAmong} understands (the account id, or for
     * {@code user-match: database} the Keycloak user id).
     */
    public Set<String> roleMembers(String role) {
        return client.call("members of role " + role, () -> {
            Set<String> ids = new HashSet<>();
            for (int first = 0; ; first += PAGE) {
                List<UserRepresentation> page = client.resource().roles().get(role).getUserMembers(true, first, PAGE);
                page.forEach(u -> users.memberKey(u).ifPresent(ids::add));
                if (page.size() < PAGE) {
                    return ids;
                }
            }
        });
    }

    /** The members of the top-level group with this exact name, as keys {@link #holdersAmong} understands. */
    public Set<String> groupMembers(String name) {
        return client.call("members of group " + name, () -> {
            List<GroupRepresentation> groups = client.resource().groups().groups(name, true, 0, 10, true);
            GroupRepresentation group = groups.stream().filter(g -> name.equals(g.getName())).findFirst()
                    .orElseThrow(() -> new StoreException(KeycloakClient.STORE, "realm " + client.realm()
                            + " has no group " + name, null));
            Set<String> ids = new HashSet<>();
            for (int first = 0; ; first += PAGE) {
                List<UserRepresentation> page = client.resource().groups().group(group.getId())
                        .members(first, PAGE, true);
                page.forEach(u -> users.memberKey(u).ifPresent(ids::add));
                if (page.size() < PAGE) {
                    return ids;
                }
            }
        });
    }

    /** The accounts (of {@code accountIds}) whose Keycloak user is one of {@code members} (role or group members). */
    public Set<String> holdersAmong(Set<String> members, List<String> accountIds) {
        return users.holdersAmong(members, accountIds);
    }

    /**
     * Whether Keycloak folds the key of an account to lower case ({@code user-match: username}: Keycloak keeps and
     * finds usernames in lower case), so that a key it lists may stand for an account id in other cases.
     */
    public boolean foldsCase() {
        return users.foldsCase();
    }
}
