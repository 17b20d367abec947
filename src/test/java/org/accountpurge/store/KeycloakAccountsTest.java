package org.accountpurge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.accountpurge.cli.SeedCommand;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.seed.TenantGenerator;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.keycloak.KeycloakRealmSetup;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;

/**
 * The purge's Keycloak client against the real realm, through the purge's own service account: each way of
 * mapping a platform id to a Keycloak user, lock-out, delete, "already gone", and role and group members.
 */
class KeycloakAccountsTest {

    static final String SECRET = "kc-test-" + Long.toHexString(System.nanoTime());

    @Test
    void locksOutAndDeletesByIdUsernameOrAttributeAndListsRoleAndGroupMembers() {
        // given a seeded realm
        StackEndpoints stack = TestStack.endpoints();
        SeedManifest manifest = SeedCommand.seed(stack, 300, 20, 11, SECRET, null);
        ReferenceTenant tenant = TenantGenerator.generate(300, 20, 11);
        List<String> users = tenant.keycloakUsers().stream().map(u -> u.id()).toList();
        Map<String, String> usernames = new java.util.HashMap<>();
        tenant.keycloakUsers().forEach(u -> usernames.put(u.id(), u.username()));
        String byId = users.get(0);
        String byUsername = users.get(1);
        String byAttribute = users.get(2);

        try (KeycloakRealmSetup admin = new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(),
                stack.keycloakAdminPassword(), Duration.ofSeconds(30))) {
            // when each user is locked out and deleted through its own way of matching
            check(accounts(stack, KeycloakAccounts.UserMatch.ID, null), byId, byId, admin);
            check(accounts(stack, KeycloakAccounts.UserMatch.USERNAME, null), usernames.get(byUsername), byUsername, admin);
            check(accounts(stack, KeycloakAccounts.UserMatch.ATTRIBUTE, "platformUserId"), byAttribute, byAttribute, admin);
        }

        // and role and group members are listed as platform ids
        try (KeycloakAccounts kc = accounts(stack, KeycloakAccounts.UserMatch.ID, null)) {
            kc.checkAccess();
            assertThat(kc.accountIdsWithRole(ReferenceTenant.KC_ROLE_PLATFORM_ADMIN))
                    .isEqualTo(new HashSet<>(manifest.userIds().get("platformAdmins")));
            assertThat(kc.accountIdsInGroup(ReferenceTenant.KC_GROUP_SUPPORT))
                    .isEqualTo(new HashSet<>(manifest.userIds().get("supportStaff")));
        }
    }

    private static void check(KeycloakAccounts kc, String accountId, String keycloakId, KeycloakRealmSetup admin) {
        try (kc) {
            // then the user is disabled but still there
            assertThat(kc.lockOut(List.of(accountId))).containsEntry(accountId, TargetOutcome.disabled());
            assertThat(admin.describeUser(ReferenceTenant.REALM, keycloakId)).containsEntry("enabled", false);
            // then it is deleted, and deleting or locking out again is "already absent"
            assertThat(kc.delete(List.of(accountId))).containsEntry(accountId, TargetOutcome.deleted(1));
            assertThat(admin.userExists(ReferenceTenant.REALM, keycloakId)).isFalse();
            assertThat(kc.delete(List.of(accountId))).containsEntry(accountId, TargetOutcome.absent());
            assertThat(kc.lockOut(List.of(accountId))).containsEntry(accountId, TargetOutcome.absent());
        }
    }

    private static KeycloakAccounts accounts(StackEndpoints stack, KeycloakAccounts.UserMatch match, String attribute) {
        return new KeycloakAccounts(stack.keycloakUrl(), ReferenceTenant.REALM, ReferenceTenant.PURGE_CLIENT_ID, SECRET,
                Duration.ofSeconds(30), 4, match, attribute);
    }
}
