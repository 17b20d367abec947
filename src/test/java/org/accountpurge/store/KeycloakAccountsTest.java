package org.accountpurge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.seed.TenantGenerator;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.config.KeycloakSection.UserMatch;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.keycloak.KeycloakSettings;
import org.accountpurge.seed.KeycloakRealmSetup;
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
        SeedManifest manifest = SeedCommand.seed(TestStack.stack(), 300, 20, 11, SECRET, null);
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
            check(accounts(stack, UserMatch.ID, null), byId, byId, admin);
            check(accounts(stack, UserMatch.USERNAME, null), usernames.get(byUsername), byUsername, admin);
            check(accounts(stack, UserMatch.ATTRIBUTE, "platformUserId"), byAttribute, byAttribute, admin);
        }

        // and role and group members are found among the platform ids
        try (KeycloakAccounts kc = accounts(stack, UserMatch.ID, null)) {
            kc.checkAccess();
            assertThat(kc.lookups().holdersAmong(kc.lookups().roleMembers(ReferenceTenant.KC_ROLE_PLATFORM_ADMIN), users))
                    .isEqualTo(new HashSet<>(manifest.userIds().get("platformAdmins")));
            assertThat(kc.lookups().holdersAmong(kc.lookups().groupMembers(ReferenceTenant.KC_GROUP_SUPPORT), users))
                    .isEqualTo(new HashSet<>(manifest.userIds().get("supportStaff")));
        }

        // and with users matched by username, an account whose id is the username in other cases (Keycloak keeps
        // usernames in lower case) still holds its role
        List<String> adminsAsTyped = manifest.userIds().get("platformAdmins").stream()
                .filter(id -> !List.of(byId, byUsername, byAttribute).contains(id))
                .map(id -> usernames.get(id).toUpperCase(java.util.Locale.ROOT)).toList();
        assertThat(adminsAsTyped).isNotEmpty();
        try (KeycloakAccounts byName = accounts(stack, UserMatch.USERNAME, null)) {
            assertThat(byName.lookups().holdersAmong(byName.lookups().roleMembers(ReferenceTenant.KC_ROLE_PLATFORM_ADMIN), adminsAsTyped))
                    .containsExactlyInAnyOrderElementsOf(adminsAsTyped);
        }
    }

    @Test
    void seesAUsersSessionAsActivityAndWhetherUsersAreEnabled() {
        // given a seeded realm: of four enabled users, one logged in (a session), one disabled, one deleted
        StackEndpoints stack = TestStack.endpoints();
        SeedCommand.seed(TestStack.stack(), 300, 20, 11, SECRET, null);
        List<String> enabled = TenantGenerator.generate(300, 20, 11).keycloakUsers().stream()
                .filter(u -> u.enabled()).map(u -> u.id()).toList();
        String loggedIn = enabled.get(0);
        String idle = enabled.get(1);
        String disabled = enabled.get(2);
        String gone = enabled.get(3);
        List<String> four = List.of(loggedIn, idle, disabled, gone);
        try (KeycloakRealmSetup admin = new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(),
                stack.keycloakAdminPassword(), Duration.ofSeconds(30));
             KeycloakAccounts kc = accounts(stack, UserMatch.ID, null)) {
            admin.logIn(ReferenceTenant.REALM, loggedIn, stack.keycloakUrl());
            kc.disable(List.of(disabled));
            kc.remove(List.of(gone));

            // when asked who was active after the login's event (so only a session can tell), and who is enabled
            java.util.Set<String> active = kc.activity().activeSince(four, java.time.Instant.now().plus(Duration.ofHours(1)));
            java.util.Set<String> stillEnabled = kc.activity().enabledAmong(four);

            // then the user with a session is active, nobody else (the deleted one neither); the disabled and the
            // deleted user are not enabled
            assertThat(active).containsExactly(loggedIn);
            assertThat(stillEnabled).containsExactlyInAnyOrder(loggedIn, idle);
        }
    }

    private static void check(KeycloakAccounts kc, String accountId, String keycloakId, KeycloakRealmSetup admin) {
        try (kc) {
            // then the user is disabled but still there
            assertThat(realm(kc, kc.disable(List.of(accountId)))).containsEntry(accountId, TargetOutcome.disabled());
            assertThat(admin.describeUser(ReferenceTenant.REALM, keycloakId)).containsEntry("enabled", false);
            assertThat(realm(kc, kc.verify(List.of(accountId)))).containsEntry(accountId, TargetOutcome.present(1));
            // then it is deleted, and deleting or locking out again is "already absent"
            assertThat(realm(kc, kc.remove(List.of(accountId)))).containsEntry(accountId, TargetOutcome.deleted(1));
            assertThat(admin.userExists(ReferenceTenant.REALM, keycloakId)).isFalse();
            assertThat(realm(kc, kc.remove(List.of(accountId)))).containsEntry(accountId, TargetOutcome.absent());
            assertThat(realm(kc, kc.disable(List.of(accountId)))).containsEntry(accountId, TargetOutcome.absent());
            assertThat(realm(kc, kc.verify(List.of(accountId)))).containsEntry(accountId, TargetOutcome.absent());
        }
    }

    private static KeycloakAccounts accounts(StackEndpoints stack, UserMatch match, String attribute) {
        return new KeycloakAccounts(new KeycloakSettings(stack.keycloakUrl(), ReferenceTenant.REALM,
                ReferenceTenant.PURGE_CLIENT_ID, SECRET, Duration.ofSeconds(30), 4, 0, match, attribute), null, null);
    }

    private static Map<String, TargetOutcome> realm(KeycloakAccounts kc, StoreOutcomes outcomes) {
        assertThat(outcomes.byTarget()).containsOnlyKeys(kc.realm());
        return outcomes.byTarget().get(kc.realm());
    }
}
