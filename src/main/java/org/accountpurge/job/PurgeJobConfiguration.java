package org.accountpurge.job;

import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.audit.StepLog;
import org.accountpurge.audit.SummaryTasklet;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateScreen;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.candidate.CandidateWriter;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.candidate.IdFormat;
import org.accountpurge.candidate.InputRow;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.purge.AccountPurgeWriter;
import org.accountpurge.purge.Preflight;
import org.accountpurge.retention.RetentionEvaluator;
import org.accountpurge.retention.RetentionWriter;
import org.accountpurge.store.elasticsearch.ElasticsearchStore;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.accountpurge.store.postgres.TenantPlan;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.batch.infrastructure.item.database.Order;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code accountPurgeJob}: validateConfiguration, loadCandidates, retainUsers, purgeUsers, retainOrgs, purgeOrgs,
 * writeSummary. Users go before orgs so that members purged in the same run no longer hold their orgs back.
 * The run's identity is its job instance: candidates, retention and step log rows are keyed by its id.
 */
@Configuration(proxyBeanMethods = false)
class PurgeJobConfiguration {

    static final String RUN_ID = "#{stepExecution.jobExecution.jobInstance.instanceId}";
    static final String EXECUTION_ID = "#{stepExecution.jobExecution.id}";
    static final String STEP = "#{stepExecution.stepName}";
    static final String DRY_RUN = "#{jobParameters['dry.run'] ?: 'false'}";

    @Bean
    Job accountPurgeJob(JobRepository jobRepository, ExecutionConfigRecorder executionConfigRecorder,
                        Step validateConfiguration, Step loadCandidates, Step retainUsers, Step purgeUsers,
                        Step retainOrgs, Step purgeOrgs, Step writeSummary) {
        return new JobBuilder("accountPurgeJob", jobRepository)
                .validator(new DefaultJobParametersValidator(new String[] {"input", "input.sha256"}, new String[] {"run.started", "dry.run"}))
                .listener(executionConfigRecorder)
                .start(validateConfiguration).next(loadCandidates).next(retainUsers).next(purgeUsers)
                .next(retainOrgs).next(purgeOrgs).next(writeSummary).build();
    }

    /** The configuration file each execution runs with, as the command line names it ({@code account-purge.*}). */
    @Bean
    ExecutionConfigRecorder executionConfigRecorder(JdbcTemplate jdbc,
                                                    @Value("${account-purge.config-file:}") String file,
                                                    @Value("${account-purge.config-sha256:}") String sha256) {
        return new ExecutionConfigRecorder(jdbc, file, sha256);
    }

    @Bean
    Preflight preflight(DataSource dataSource, ReadOnlyQueries readOnly, PurgeProperties config, ElasticsearchStore es,
                        KeycloakAccounts keycloak) {
        return new Preflight(dataSource, readOnly, config, es, keycloak);
    }

    @Bean
    Step validateConfiguration(JobRepository jobRepository, PlatformTransactionManager tm, Preflight preflight) {
        return new StepBuilder("validateConfiguration", jobRepository)
                .tasklet(preflight, tm).allowStartIfComplete(true).build();
    }

    @Bean
    Step loadCandidates(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                        CsvCandidateReader candidateCsvReader, CandidateScreen candidateScreen,
                        CandidateWriter candidateWriter) {
        return new StepBuilder("loadCandidates", jobRepository).<InputRow, InputRow>chunk(config.job().chunkSize())
                .transactionManager(tm).reader(candidateCsvReader).processor(candidateScreen).writer(candidateWriter)
                .build();
    }

    @Bean
    @StepScope
    CsvCandidateReader candidateCsvReader(PurgeProperties config, @Value("#{jobParameters['input']}") String input,
                                          @Value("#{jobParameters['input.sha256']}") String sha256) {
        PurgeProperties.Input in = config.input();
        return new CsvCandidateReader(Path.of(input), sha256, in.idColumn(), in.kindColumn(), in.maxLineLength());
    }

    @Bean
    @StepScope
    CandidateScreen candidateScreen(DataSource dataSource, PurgeProperties config) {
        return new CandidateScreen(Map.of(
                PurgeProperties.USER, new IdFormat(TenantPlan.idType(dataSource, config, PurgeProperties.USER)),
                PurgeProperties.ORG, new IdFormat(TenantPlan.idType(dataSource, config, PurgeProperties.ORG))));
    }

    @Bean
    @StepScope
    CandidateWriter candidateWriter(CandidateStore candidates, @Value(RUN_ID) long runId) {
        return new CandidateWriter(runId, candidates);
    }

    @Bean
    Step retainUsers(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                     JdbcPagingItemReader<Candidate> pendingCandidates, RetentionWriter retentionWriter) {
        return kindStep("retainUsers", jobRepository, tm, config, pendingCandidates, retentionWriter);
    }

    @Bean
    Step purgeUsers(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                    JdbcPagingItemReader<Candidate> pendingCandidates, AccountPurgeWriter accountPurgeWriter) {
        return kindStep("purgeUsers", jobRepository, tm, config, pendingCandidates, accountPurgeWriter);
    }

    @Bean
    Step retainOrgs(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                    JdbcPagingItemReader<Candidate> pendingCandidates, RetentionWriter retentionWriter) {
        return kindStep("retainOrgs", jobRepository, tm, config, pendingCandidates, retentionWriter);
    }

    @Bean
    Step purgeOrgs(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                   JdbcPagingItemReader<Candidate> pendingCandidates, AccountPurgeWriter accountPurgeWriter) {
        return kindStep("purgeOrgs", jobRepository, tm, config, pendingCandidates, accountPurgeWriter);
    }

    private static Step kindStep(String name, JobRepository jobRepository, PlatformTransactionManager tm,
                                 PurgeProperties config, JdbcPagingItemReader<Candidate> reader,
                                 ItemWriter<Candidate> writer) {
        return new StepBuilder(name, jobRepository).<Candidate, Candidate>chunk(config.job().chunkSize())
                .transactionManager(tm).reader(reader).writer(writer).build();
    }

    /** The pending candidates of the step's kind, by id (keyset paging: the position survives a restart). */
    @Bean
    @StepScope
    JdbcPagingItemReader<Candidate> pendingCandidates(DataSource dataSource, PurgeProperties config,
                                                      @Value(RUN_ID) long runId, @Value(STEP) String step) throws Exception {
        return new JdbcPagingItemReaderBuilder<Candidate>().name("pendingCandidates")
                .dataSource(dataSource).selectClause("kind, account_id").fromClause("purge.candidate")
                .whereClause("run_id = :run AND kind = :kind AND state = 'PENDING'")
                .parameterValues(Map.of("run", runId, "kind", kindOf(step)))
                .sortKeys(Map.of("account_id", Order.ASCENDING)).pageSize(config.job().chunkSize())
                .rowMapper((rs, n) -> new Candidate(rs.getString(1), rs.getString(2))).build();
    }

    @Bean
    @StepScope
    RetentionWriter retentionWriter(DataSource dataSource, ReadOnlyQueries readOnly, PurgeProperties config,
                                    CandidateStore candidates, KeycloakAccounts keycloak, @Value(RUN_ID) long runId,
                                    @Value(STEP) String step) {
        String kind = kindOf(step);
        PostgresAccounts postgres = new PostgresAccounts(dataSource, readOnly, TenantPlan.read(dataSource, config, kind));
        return new RetentionWriter(runId, kind, evaluator(postgres, config, keycloak, kind), candidates);
    }

    @Bean
    @StepScope
    AccountPurgeWriter accountPurgeWriter(DataSource dataSource, ReadOnlyQueries readOnly, PurgeProperties config,
                                          CandidateStore candidates,
                                          ElasticsearchStore es, KeycloakAccounts keycloak, StepLog stepLog,
                                          @Value(RUN_ID) long runId, @Value(EXECUTION_ID) long executionId,
                                          @Value(STEP) String step,
                                          @Value("#{stepExecution.executionContext}") ExecutionContext context,
                                          @Value(DRY_RUN) boolean dryRun) {
        String kind = kindOf(step);
        PostgresAccounts postgres = new PostgresAccounts(dataSource, readOnly, TenantPlan.read(dataSource, config, kind));
        return new AccountPurgeWriter(new StepLog.Context(runId, executionId, kind),
                evaluator(postgres, config, keycloak, kind), candidates, keycloakFor(kind, keycloak), es,
                config.elasticsearch().indexesFor(kind), postgres, stepLog, context, dryRun);
    }

    private static RetentionEvaluator evaluator(PostgresAccounts postgres, PurgeProperties config,
                                                KeycloakAccounts keycloak, String kind) {
        return new RetentionEvaluator(config.retentionFor(kind), postgres, keycloakFor(kind, keycloak));
    }

    private static KeycloakAccounts keycloakFor(String kind, KeycloakAccounts keycloak) {
        return PurgeProperties.USER.equals(kind) ? keycloak : null;
    }

    private static String kindOf(String step) {
        return step.endsWith("Users") ? PurgeProperties.USER : PurgeProperties.ORG;
    }

    @Bean
    Step writeSummary(JobRepository jobRepository, PlatformTransactionManager tm, JdbcTemplate jdbc, PurgeProperties config) {
        return new StepBuilder("writeSummary", jobRepository)
                .tasklet(new SummaryTasklet(jdbc, Path.of(config.job().reportDirectory())), tm).build();
    }
}
