package org.accountpurge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary's lines say what the run's records say, no more (issue 24). */
class RunSummaryTest {

    private static RunSummary summary(boolean dryRun, Map<String, Long> states, long failed,
                                      Map<String, Long> failedRemovedFrom, long residue, String verification) {
        return new RunSummary(7, 9, "COMPLETED", dryRun, "in.csv", Map.of("user", states), Map.of("malformed user id", 2L),
                Map.of(), Map.of(), 1, states.getOrDefault("PENDING", 0L), states.getOrDefault("NOT_FOUND", 0L), failed,
                residue, List.of(), List.of(), failedRemovedFrom, verification);
    }

    @Test
    void aFailedAccountWhoseKeycloakUserWentIsSaidToHaveLostItAndTheVerificationSaysWhereItLooked() {
        // given a run whose one FAILED account had its Keycloak user deleted before Elasticsearch refused a document
        RunSummary summary = summary(false, Map.of("PURGED", 3L, "FAILED", 1L), 1, Map.of("keycloak", 1L), 0,
                "checked user accounts in postgres, elasticsearch");

        // then the lines say so (README "Faults"), and the verification names the stores it checked
        assertThat(summary.lines()).contains("  accounts FAILED: 1 (not purged; the store, target and error of each are"
                + " in purge.step_log, listed by 'failed'); of these, something was removed all the same from:"
                + " {keycloak=1}", "  verification: nothing is left of the purged accounts where it looked (checked"
                + " user accounts in postgres, elasticsearch)");
        assertThat(String.join("\n", summary.lines())).doesNotContain("locked out").doesNotContain("in any store\n");
    }

    @Test
    void aDryRunSaysWhatARealRunWouldDoWithEachAccount() {
        RunSummary summary = new RunSummary(7, 9, "COMPLETED", true, "in.csv", Map.of("user", Map.of("PENDING", 4L,
                "NOT_FOUND", 2L, "RETAINED", 3L, "FAILED", 1L)), Map.of("malformed user id", 2L), Map.of(),
                Map.of("postgres", Map.of("user_notes", Map.of("would delete", 15L))), 1, 4, 2, 1, -1, List.of(),
                List.of(), Map.of(), null);

        // then the per-target counts say they are what a real run would act on, and which look-ups are partial
        assertThat(summary.lines()).contains("  postgres user_notes: {would delete=15}", "  the 'would' counts below are"
                + " the rows and documents a real run would act on, per store and target; login identities (Keycloak)"
                + " are looked up only for accounts no other store holds");

        assertThat(summary.lines()).contains("  would be purged by a real run: 4; not found in any store: 2; retained:"
                + " 3; would fail: 1 (a store would refuse them; each with its store and error in purge.step_log);"
                + " rejected rows: 2");
    }
}
