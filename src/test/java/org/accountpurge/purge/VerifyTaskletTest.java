package org.accountpurge.purge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateStore;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.test.MetaDataInstanceFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/** The verification step records what is left of purged accounts and marks those accounts FAILED; a dry run skips it. */
class VerifyTaskletTest {

    final List<String> journal = new ArrayList<>();

    final CandidateStore candidates = new CandidateStore(null) {
        @Override
        public void fail(long runId, AccountKind kind, List<String> accountIds) {
            if (!accountIds.isEmpty()) {
                journal.add("fail " + kind + " " + accountIds);
            }
        }
    };

    final JdbcTemplate jdbc = new JdbcTemplate() {
        @Override
        public int[] batchUpdate(String sql, List<? extends Object[]> args) {
            for (Object[] a : args) {
                journal.add("residue " + a[3] + " " + a[4] + " " + a[5] + " " + a[6]);
            }
            return new int[args.size()];
        }
    };

    @Test
    void residueIsRecordedPerTargetAndItsAccountsAreFailed() {
        VerifyTasklet tasklet = new VerifyTasklet((run, at) -> new Verification.Page(List.of(
                new Verification.Residue(AccountKind.USER, "u1", "postgres", "users", 1),
                new Verification.Residue(AccountKind.USER, "u1", "elasticsearch", "usernotes", 3),
                new Verification.Residue(AccountKind.ORG, "o1", "postgres", "organisation", 1)), null), candidates,
                jdbc);

        StepExecution step = execute(tasklet, false);

        assertThat(journal).containsExactly("residue u1 postgres users 1", "residue u1 elasticsearch usernotes 3",
                "residue o1 postgres organisation 1", "fail user [u1]", "fail org [o1]");
        assertThat(step.getExecutionContext().getLong("residue.accounts")).isEqualTo(2);
    }

    @Test
    void eachStoresTimeIsKeptInTheStepsContext() {
        VerifyTasklet tasklet = new VerifyTasklet(new VerifyTasklet.ResidueSource() {
            @Override
            public Verification.Page page(long runId, Verification.Position at) {
                return new Verification.Page(List.of(), null);
            }

            @Override
            public java.util.Map<String, Long> millisByStore() {
                return java.util.Map.of("keycloak", 1200L, "postgres", 80L);
            }
        }, candidates, jdbc);

        StepExecution step = execute(tasklet, false);

        assertThat(step.getExecutionContext().getLong("ms.keycloak")).isEqualTo(1200);
        assertThat(step.getExecutionContext().getLong("ms.postgres")).isEqualTo(80);
    }

    @Test
    void aDryRunVerifiesNothing() {
        VerifyTasklet tasklet = new VerifyTasklet((run, at) -> {
            throw new AssertionError("a dry run purged nothing: nothing to verify");
        }, candidates, jdbc);

        execute(tasklet, true);

        assertThat(journal).isEmpty();
    }

    @Test
    void eachPageKeepsWhereTheNextStartsSoThatAStoppedVerificationGoesOnFromThere() {
        // given a verification of two pages
        List<Verification.Position> asked = new ArrayList<>();
        VerifyTasklet tasklet = new VerifyTasklet((run, at) -> {
            asked.add(at);
            return at == null ? new Verification.Page(List.of(new Verification.Residue(AccountKind.USER, "u1",
                    "postgres", "users", 1)), new Verification.Position("user", "u5"))
                    : new Verification.Page(List.of(), null);
        }, candidates, jdbc);
        StepExecution step = MetaDataInstanceFactory.createStepExecution(new JobParametersBuilder()
                .addString("dry.run", "false").toJobParameters());

        // when the first page is done, then the step goes on, its context saying where the next page starts
        assertThat(tasklet.execute(new StepContribution(step), new ChunkContext(new StepContext(step))))
                .isEqualTo(org.springframework.batch.infrastructure.repeat.RepeatStatus.CONTINUABLE);
        assertThat(step.getExecutionContext().getString(VerifyTasklet.AFTER)).isEqualTo("u5");
        assertThat(journal).containsExactly("residue u1 postgres users 1", "fail user [u1]");

        // when it runs again (the next page, or the restart of a stopped step with that context), then it goes on
        // from there and finishes
        assertThat(tasklet.execute(new StepContribution(step), new ChunkContext(new StepContext(step))))
                .isEqualTo(org.springframework.batch.infrastructure.repeat.RepeatStatus.FINISHED);
        assertThat(asked).containsExactly(null, new Verification.Position("user", "u5"));
        assertThat(step.getExecutionContext().containsKey(VerifyTasklet.AFTER)).isFalse();
        assertThat(step.getExecutionContext().getLong("residue.accounts")).isEqualTo(1);
    }

    private static StepExecution execute(VerifyTasklet tasklet, boolean dryRun) {
        StepExecution step = MetaDataInstanceFactory.createStepExecution(new JobParametersBuilder()
                .addString("dry.run", String.valueOf(dryRun)).toJobParameters());
        tasklet.execute(new StepContribution(step), new ChunkContext(new StepContext(step)));
        return step;
    }
}
