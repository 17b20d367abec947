package org.accountpurge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.accountpurge.store.TargetOutcome;
import org.junit.jupiter.api.Test;

/**
 * Nothing removed is recorded nowhere (issue 24): a failure that went with deletions on the same target and account
 * (documents deleted, then one refused; a second Keycloak user disabled, the first refused) keeps what went, and the
 * step log writes it as a row of its own before the failure.
 */
class StepLogRowsTest {

    @Test
    void aFailureKeepsWhatWentBesideItAndTheStepLogWritesBoth() {
        // given 2 documents deleted, then one refused, then one more deleted and one already gone
        TargetOutcome outcome = TargetOutcome.deleted(2).plus(TargetOutcome.failed("mapper_exception"))
                .plus(TargetOutcome.deleted(1)).plus(TargetOutcome.absent());

        // then it is the failure, with the 3 deleted documents beside it, written as two rows: what went, then why not
        assertThat(outcome.isFailure()).isTrue();
        assertThat(outcome.errorClass()).isEqualTo("mapper_exception");
        assertThat(StepLog.rowsOf(outcome)).containsExactly(TargetOutcome.deleted(3),
                outcome);

        // and a second failure keeps the first error; a disabled user beside a refusal stays DISABLED, not DELETED
        TargetOutcome two = TargetOutcome.failed("HTTP 403").plus(TargetOutcome.disabled())
                .plus(TargetOutcome.failed("HTTP 409"));
        assertThat(two.errorClass()).isEqualTo("HTTP 403");
        assertThat(StepLog.rowsOf(two).get(0)).isEqualTo(TargetOutcome.disabled());

        // and a failure with nothing beside it (or only "already gone") is one row, as before
        assertThat(StepLog.rowsOf(TargetOutcome.failed("x").plus(TargetOutcome.absent())))
                .containsExactly(TargetOutcome.failed("x"));
        assertThat(List.of(TargetOutcome.deleted(1).plus(TargetOutcome.deleted(1)))).containsExactly(
                TargetOutcome.deleted(2));
    }
}
