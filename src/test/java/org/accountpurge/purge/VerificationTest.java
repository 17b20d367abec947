package org.accountpurge.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.accountpurge.account.AccountKind;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One page of the verification against fake stores: the stores at once, residue, and checks not made. */
class VerificationTest {

    final ExecutorService others = Executors.newCachedThreadPool();
    final Verification verification = new Verification(null, null); // page() reads neither the stores nor the database

    @AfterEach
    void stop() {
        others.shutdownNow();
    }

    @Test
    void whatTheVerificationChecksIsSaidPerKindAndAStoreItCannotCheckIsNamedAsNotChecked() {
        // given users in the database and a store that cannot be checked after a purge, orgs in the database only
        AccountStore database = store("postgres", ids -> StoreOutcomes.none());
        AccountStore blind = new AccountStore() {
            public String name() {
                return "keycloak";
            }

            public Phase phase() {
                return Phase.LOGIN_IDENTITY;
            }

            public String target() {
                return "realm-x";
            }

            public StoreOutcomes remove(List<String> ids) {
                return StoreOutcomes.none();
            }

            public StoreOutcomes verify(List<String> ids) {
                return StoreOutcomes.none();
            }

            public boolean verifiable() {
                return false;
            }
        };
        Map<AccountKind, List<AccountStore>> stores = new java.util.LinkedHashMap<>();
        stores.put(AccountKind.USER, List.of(database, blind));
        stores.put(AccountKind.ORG, List.of(database));

        // then the coverage names what was checked per kind, and the store not checked as such (README: "a store
        // that cannot be checked is listed after NOT checked:", never "in any store")
        assertThat(Verification.coverage(stores)).isEqualTo("checked user accounts in postgres; org accounts in"
                + " postgres; NOT checked: keycloak realm-x for user accounts (its data cannot be found once the"
                + " account is purged)");
    }

    @Test
    void theStoresOfAPageAreCheckedAtOnceAndWhatIsLeftIsReportedPerStoreAndTarget() {
        // given a database that answers only once Keycloak has started checking, and Keycloak finding one user left
        CountDownLatch keycloakStarted = new CountDownLatch(1);
        AccountStore database = store("postgres", ids -> {
            try {
                assertThat(keycloakStarted.await(10, TimeUnit.SECONDS)).as("Keycloak checked meanwhile").isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return StoreOutcomes.of("users", Map.of("a", TargetOutcome.absent(), "b", TargetOutcome.present(2)));
        });
        AccountStore keycloak = store("keycloak", ids -> {
            keycloakStarted.countDown();
            return StoreOutcomes.of("realm", Map.of("a", TargetOutcome.present(1), "b", TargetOutcome.absent()));
        });

        // when a page is checked
        List<Verification.Residue> residue = verification.page(AccountKind.USER, List.of("a", "b"), database,
                List.of(database, keycloak), others);

        // then both stores' residue is reported, and each store's time is kept
        assertThat(residue).containsExactlyInAnyOrder(
                new Verification.Residue(AccountKind.USER, "b", "postgres", "users", 2),
                new Verification.Residue(AccountKind.USER, "a", "keycloak", "realm", 1));
        assertThat(verification.millisByStore()).containsOnlyKeys("postgres", "keycloak");
    }

    @Test
    void aCheckAStoreCouldNotMakeFailsThePageNamingTheStoreTargetAndError() {
        AccountStore database = store("postgres", ids -> StoreOutcomes.of("users",
                Map.of("a", TargetOutcome.absent(), "b", TargetOutcome.absent())));
        AccountStore keycloak = store("keycloak", ids -> StoreOutcomes.of("realm",
                Map.of("a", TargetOutcome.failed("HTTP 503"), "b", TargetOutcome.absent())));

        assertThatThrownBy(() -> verification.page(AccountKind.USER, List.of("a", "b"), database,
                List.of(database, keycloak), others)).isInstanceOf(StoreException.class)
                .hasMessage("keycloak: the verification could not check 1 purged account(s) in realm (HTTP 503): not"
                        + " verified until checked again once keycloak answers");
    }

    @Test
    void aStoreThatThrowsOnItsOwnThreadFailsThePageWithItsOwnException() {
        AccountStore database = store("postgres", ids -> StoreOutcomes.none());
        StoreException refused = new StoreException("elasticsearch", "search usernotes failed: timeout", null,
                "timeout");
        AccountStore elasticsearch = store("elasticsearch", ids -> {
            throw refused;
        });

        assertThatThrownBy(() -> verification.page(AccountKind.USER, List.of("a"), database,
                List.of(elasticsearch, database), others)).isSameAs(refused);
    }

    private static AccountStore store(String name, Function<List<String>, StoreOutcomes> verify) {
        return new AccountStore() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Phase phase() {
                return Phase.AFTER_LOGIN_IDENTITY;
            }

            @Override
            public StoreOutcomes remove(List<String> accountIds) {
                throw new UnsupportedOperationException("a verification removes nothing");
            }

            @Override
            public StoreOutcomes verify(List<String> accountIds) {
                return verify.apply(accountIds);
            }
        };
    }
}
