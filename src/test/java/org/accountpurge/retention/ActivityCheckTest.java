package org.accountpurge.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The nightly veto: whoever the selection no longer selects, or Keycloak shows active, is kept as active-again. */
class ActivityCheckTest {

    @Test
    void accountsNoLongerSelectedOrActiveInKeycloakAreKeptAndKeycloakIsAskedOnlyAboutTheOthers() {
        // given a selection that no longer selects b, and Keycloak that shows c active
        List<List<String>> askedKeycloak = new ArrayList<>();
        ActivityCheck check = new ActivityCheck(ids -> Set.of("a", "c", "d"), ids -> {
            askedKeycloak.add(ids);
            return Set.of("c");
        });

        // when a chunk is checked
        Map<String, Set<String>> reasons = check.reasons(List.of("a", "b", "c", "d"));

        // then b and c are kept as active-again; Keycloak was not asked about b
        assertThat(reasons).containsOnlyKeys("b", "c").containsEntry("b", Set.of(ActivityCheck.ACTIVE_AGAIN));
        assertThat(askedKeycloak).containsExactly(List.of("a", "c", "d"));
    }

    @Test
    void withoutKeycloakOnlyTheSelectionDecides() {
        ActivityCheck check = new ActivityCheck(ids -> Set.of("a"), null);
        assertThat(check.reasons(List.of("a", "b"))).containsOnlyKeys("b");
    }

    @Test
    void aRetentionCheckThenTheVetoAsksTheVetoOnlyAboutTheAccountsNotAlreadyKept() {
        // given retention rules that keep a, and a veto that would keep a and b
        List<List<String>> vetoAsked = new ArrayList<>();
        RetentionCheck rules = ids -> Map.of("a", Set.of("course-mentor"));
        RetentionCheck veto = ids -> {
            vetoAsked.add(ids);
            return Map.of("b", Set.of(ActivityCheck.ACTIVE_AGAIN));
        };

        // when both run on a chunk
        Map<String, Set<String>> reasons = rules.then(veto).reasons(List.of("a", "b", "c"));

        // then each keeps its reason, and the veto was asked about b and c only
        assertThat(reasons).containsOnlyKeys("a", "b").containsEntry("a", Set.of("course-mentor"));
        assertThat(vetoAsked).containsExactly(List.of("b", "c"));
    }
}
