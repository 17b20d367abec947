package org.accountpurge.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.accountpurge.PurgeApplication;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.seed.KeycloakRealmSetup;
import org.accountpurge.seed.KeycloakUserSpec;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.AccountStore;
import org.accountpurge.support.CaseFilesTenant;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A tenant whose Keycloak user ids live in its own table ({@code person_identity.external_id} where
 * {@code provider = 'keycloak'}), with no search index and no organisations: the job (database + Keycloak) removes
 * each purged person's Keycloak user found through that column, keeps everyone retained — by FK, SQL rule or
 * Keycloak role — and leaves no residue in either store.
 */
@SpringBootTest(classes = PurgeApplication.class,
        args = "--spring.config.additional-location=file:src/test/resources/tenants/case-files-keycloak-by-column.yml")
@SpringBatchTest
class KeycloakByColumnTenantTest {

    static final String REALM = "casefiles";
    static final String SECRET = "kc-column-" + Long.toHexString(System.nanoTime());
    static final long NO_KEYCLOAK = 3;
    static final long SUPERVISOR = 9;
    static CaseFilesTenant tenant;
    static String stranger;

    @DynamicPropertySource
    static void tenant(DynamicPropertyRegistry registry) throws Exception {
        StackEndpoints stack = TestStack.endpoints();
        tenant = CaseFilesTenant.create(stack, "casefiles_kc", List.of(NO_KEYCLOAK));
        stranger = UUID.randomUUID().toString();
        try (KeycloakRealmSetup admin = admin()) {
            admin.recreateRealm(REALM, List.of("case-supervisor"), List.of(), "account-purge", SECRET);
            List<KeycloakUserSpec> users = new ArrayList<>();
            tenant.keycloakIds().forEach((person, kcId) -> users.add(new KeycloakUserSpec(kcId, "user-" + person,
                    "person" + person + "@example.org", "First", "Last", true, Map.of(),
                    person == SUPERVISOR ? List.of("case-supervisor") : List.of(), List.of())));
            users.add(new KeycloakUserSpec(stranger, "stranger", null, null, null, true, Map.of(), List.of(), List.of()));
            admin.importUsers(REALM, users);
        }
        tenant.databaseProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("PURGE_KC_URL", stack::keycloakUrl);
        registry.add("PURGE_KC_CLIENT_SECRET", () -> SECRET);
    }

    static KeycloakRealmSetup admin() {
        StackEndpoints stack = TestStack.endpoints();
        return new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(), stack.keycloakAdminPassword(),
                Duration.ofSeconds(60));
    }

    @Autowired
    JobOperatorTestUtils jobOperatorTestUtils;
    @Autowired
    TenantStores stores;
    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    org.springframework.batch.core.launch.JobOperator jobOperator;

    @Autowired
    org.springframework.batch.core.repository.JobRepository jobRepository;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("loadCandidates")
    org.springframework.batch.core.step.Step loadCandidates;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("freezeCandidates")
    org.springframework.batch.core.step.Step freezeCandidates;

    @Test
    void loadingFreezesTheAcceptedIdsOfTheOnlyKindThisTenantHas() throws Exception {
        // given a CSV with two people, a duplicate and an org (a kind this tenant does not have)
        Path csv = Files.createTempFile("people", ".csv");
        Files.writeString(csv, "person_id,kind\n12,user\n0013,user\n12,user\n4,org\n");

        // when only the loading steps run: loadCandidates (stages the rows) and freezeCandidates
        JobExecution execution = jobOperator.start(new org.springframework.batch.core.job.builder.JobBuilder(
                "accountPurgeJob", jobRepository).start(loadCandidates).next(freezeCandidates).build(), parameters(csv));

        // then the two people are candidates (ids normalised as bigint), the others rejected with a reason
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long run = execution.getJobInstance().getInstanceId();
        assertThat(jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? ORDER BY 1", String.class,
                run)).containsExactly("12", "13");
        assertThat(jdbc.queryForList("SELECT reason FROM purge.rejected_row WHERE run_id = ? ORDER BY row_no",
                String.class, run)).hasSize(2).anyMatch(r -> r.contains("duplicate"))
                .anyMatch(r -> r.contains("unknown kind (expected user)"));
    }

    @Test
    void purgesTheDatabaseAndTheKeycloakUsersFoundThroughTheColumn() throws Exception {
        // given people 1..10 and an id nobody has
        StringBuilder text = new StringBuilder("person_id,kind\n");
        LongStream.rangeClosed(1, 10).forEach(i -> text.append(i).append(",user\n"));
        text.append("999,user\n");
        Path csv = Files.writeString(Files.createTempFile("people", ".csv"), text);
        Map<Long, String> keycloakIds = Map.copyOf(tenant.keycloakIds());

        // when the job runs
        JobExecution execution = jobOperatorTestUtils.startJob(parameters(csv));

        // then it completed; the approver (FK), the administrator (SQL) and the supervisor (Keycloak role) stay
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(execution.getStepExecutions().stream().map(s -> s.getStepName()).toList()).containsExactly(
                "validateConfiguration", "loadCandidates", "freezeCandidates", "checkBlastRadius", "retainUsers", "purgeUsers", "verifyPurge",
                "writeSummary");
        long run = execution.getJobInstance().getInstanceId();
        List<Long> purged = List.of(1L, 2L, 3L, 4L, 6L, 8L, 10L);
        assertThat(jdbc.queryForList("SELECT account_id::bigint FROM purge.candidate WHERE run_id = ? AND state = 'PURGED'"
                + " ORDER BY 1", Long.class, run)).containsExactlyElementsOf(purged);
        assertThat(jdbc.queryForList("SELECT account_id || ' ' || reason FROM purge.retention WHERE run_id = ? ORDER BY 1",
                String.class, run)).containsExactly("5 fk:approval.approver_id", "7 administrator", "9 supervisor");

        // and the purged people's Keycloak users are gone; everybody else's, and an unlinked user, are still there
        try (KeycloakRealmSetup admin = admin()) {
            keycloakIds.forEach((person, kcId) -> assertThat(admin.userExists(REALM, kcId))
                    .as("Keycloak user of person %d", person).isEqualTo(!purged.contains(person)));
            assertThat(admin.userExists(REALM, stranger)).isTrue();
        }
        assertThat(tenant.ids("SELECT id FROM person WHERE id <= 10 ORDER BY 1")).containsExactly(5L, 7L, 9L);

        // and the step log has each purged person's Keycloak user deleted (person 3 had none: absent)
        assertThat(jdbc.queryForList("SELECT account_id::bigint FROM purge.step_log WHERE run_id = ? AND store = 'keycloak'"
                + " AND action = 'DELETED' ORDER BY 1", Long.class, run)).containsExactly(1L, 2L, 4L, 6L, 8L, 10L);

        // and no store has anything left of them (the database side; Keycloak is checked above by id)
        List<String> ids = purged.stream().map(String::valueOf).toList();
        AccountStore postgres = stores.postgres(AccountKind.USER);
        assertThat(postgres.verify(ids).residue()).isEmpty();
        assertThat(stores.forKind(AccountKind.USER, stores.postgres(AccountKind.USER))).extracting(AccountStore::name)
                .containsExactly("postgres", "keycloak");
    }

    private static JobParameters parameters(Path csv) {
        return new JobParametersBuilder().addString("input", csv.toAbsolutePath().toString())
                .addString("input.sha256", CsvCandidateReader.sha256(csv))
                .addString("run.started", Instant.now().toString()).toJobParameters();
    }
}
