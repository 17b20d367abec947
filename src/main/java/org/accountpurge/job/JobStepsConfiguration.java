package org.accountpurge.job;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import io.micrometer.observation.ObservationRegistry;
import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.audit.StepLog;
import org.accountpurge.audit.SummaryTasklet;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateReader;
import org.accountpurge.candidate.CandidateScreen;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.candidate.CandidateWriter;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.account.IdFormat;
import org.accountpurge.candidate.InputRow;
import org.accountpurge.candidate.SelectionReader;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.purge.BlastRadius;
import org.accountpurge.purge.LocalExecutions;
import org.accountpurge.purge.Preflight;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.purge.Verification;
import org.accountpurge.purge.VerifyTasklet;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.accountpurge.store.postgres.TenantLease;
import org.accountpurge.store.postgres.TenantPlan;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.messaging.MessageChannel;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The purge job's parts, each a bean: the steps every run has (validateConfiguration, loadCandidates with its reader,
 * screen and writer, freezeCandidates, checkBlastRadius, verifyPurge, writeSummary), the per-kind steps'
 * factory ({@link KindSteps}), and the listeners and checks around them. {@link PurgeJobConfiguration} puts them in
 * order.
 */
@Configuration(proxyBeanMethods = false)
public class JobStepsConfiguration {

    static final String RUN_ID = "#{stepExecution.jobExecution.jobInstance.instanceId}";

    /** The steps of each kind of account, and the optional ones. */
    @Bean
    KindSteps kindSteps(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                        DataSource dataSource, TenantStores stores, TenantLease lease, JdbcTemplate jdbc,
                        ReadOnlyQueries readOnly, ObjectProvider<JavaMailSender> mailSender, CandidateStore candidates,
                        StepLog stepLog, ObjectProvider<ObservationRegistry> observations,
                        @Qualifier(RemotePartitioningConfiguration.REQUESTS) ObjectProvider<MessageChannel> requests) {
        return new KindSteps(jobRepository, tm, config, dataSource, stores, lease, jdbc, readOnly, mailSender,
                candidates, stepLog, observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                requests.getIfAvailable());
    }

    /**
     * The configuration file each execution runs with and who started it, as the command line says
     * ({@code account-purge.*}).
     */
    @Bean
    ExecutionConfigRecorder executionConfigRecorder(JdbcTemplate jdbc,
                                                    @Value("${account-purge.config-file:}") String file,
                                                    @Value("${account-purge.config-sha256:}") String sha256,
                                                    ObjectProvider<ExecutionConfigRecorder.Who> who) {
        return new ExecutionConfigRecorder(jdbc, file, sha256,
                who.getIfAvailable(() -> new ExecutionConfigRecorder.Who(null, null, null, null)));
    }

    /**
     * Spring Batch observes every item read and processed: for a load of millions of input rows that costs about as
     * much as the work. Jobs, steps and chunk writes are still observed (and measured).
     */
    @Bean
    io.micrometer.observation.ObservationPredicate noPerItemObservations() {
        return (name, context) -> !"spring.batch.item.read".equals(name) && !"spring.batch.item.process".equals(name);
    }

    /** The executions this process runs: a SIGTERM stops them after their current chunk. */
    @Bean
    LocalExecutions localExecutions() {
        return new LocalExecutions();
    }

    @Bean
    Preflight preflight(PurgeProperties config, TenantStores stores) {
        return new Preflight(config, stores);
    }

    @Bean
    Step validateConfiguration(JobRepository jobRepository, PlatformTransactionManager tm, Preflight preflight) {
        return new StepBuilder("validateConfiguration", jobRepository)
                .tasklet(preflight, tm).allowStartIfComplete(true).build();
    }

    @Bean
    Step loadCandidates(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                        CandidateReader candidateReader, CandidateScreen candidateScreen,
                        CandidateWriter candidateWriter) {
        return new StepBuilder("loadCandidates", jobRepository).<InputRow, InputRow>chunk(config.job().loadChunkSize())
                .transactionManager(tm).reader(candidateReader).processor(candidateScreen).writer(candidateWriter)
                .build();
    }

    /** The loaded rows become the run's candidate set, each account once (sorted, set-based, one transaction). */
    @Bean
    Step freezeCandidates(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                          CandidateStore candidates) {
        return new StepBuilder("freezeCandidates", jobRepository).tasklet((contribution, chunk) -> {
            long run = contribution.getStepExecution().getJobExecution().getJobInstance().getInstanceId();
            contribution.incrementWriteCount(candidates.freeze(run, config.job().loadSortMemory()));
            return org.springframework.batch.infrastructure.repeat.RepeatStatus.FINISHED;
        }, tm).build();
    }

    /** The run's candidates: the CSV file, or the inactivity selection of the run date (keyset-paged). */
    @Bean
    @StepScope
    CandidateReader candidateReader(PurgeProperties config, TenantStores stores,
                                               @Value("#{jobParameters['input']}") String input,
                                               @Value("#{jobParameters['input.sha256']}") String sha256,
                                               @Value("#{jobParameters['run.date']}") String runDate) {
        if (runDate == null) {
            PurgeProperties.Input in = config.input();
            return new CandidateReader(new CsvCandidateReader(Path.of(input), sha256, in.idColumn(), in.kindColumn(),
                    in.maxLineLength()));
        }
        Map<AccountKind, SelectionReader.Pages> pages = new LinkedHashMap<>();
        for (AccountKind kind : config.kinds()) {
            stores.selection(kind, LocalDate.parse(runDate)).ifPresent(query -> pages.put(kind, query::page));
        }
        return new CandidateReader(new SelectionReader(pages, Math.max(config.job().chunkSize(), 500)));
    }

    @Bean
    @StepScope
    CandidateScreen candidateScreen(DataSource dataSource, PurgeProperties config) {
        Map<AccountKind, IdFormat> formats = new LinkedHashMap<>();
        config.kinds().forEach(kind -> formats.put(kind, new IdFormat(TenantPlan.idType(dataSource, TenantStores.schema(config, kind)))));
        return new CandidateScreen(formats);
    }

    @Bean
    @StepScope
    CandidateWriter candidateWriter(CandidateStore candidates, @Value(RUN_ID) long runId) {
        return new CandidateWriter(runId, candidates);
    }

    /** Too many candidates of a kind (purge.guard) fail the run here, before anything is deleted. */
    @Bean
    Step checkBlastRadius(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                          TenantStores stores, CandidateStore candidates, JdbcTemplate jdbc,
                          @Value("${account-purge.override-guard:false}") boolean override) {
        return new StepBuilder("checkBlastRadius", jobRepository)
                .tasklet(new BlastRadius(config.guard(), stores, candidates, jdbc, override), tm).build();
    }

    /** After a real run's purge steps: is every purged account gone from every store? */
    @Bean
    Step verifyPurge(JobRepository jobRepository, PlatformTransactionManager tm, TenantStores stores, JdbcTemplate jdbc,
                     CandidateStore candidates, PurgeProperties config) {
        return new StepBuilder("verifyPurge", jobRepository).tasklet(new VerifyTasklet(new Verification(stores, jdbc,
                config.job().verifyPageSize()), candidates, jdbc), tm).build(); // a stop waits for one page
    }

    @Bean
    Step writeSummary(JobRepository jobRepository, PlatformTransactionManager tm, JdbcTemplate jdbc,
                      PurgeProperties config) {
        return new StepBuilder("writeSummary", jobRepository)
                .tasklet(new SummaryTasklet(jdbc, Path.of(config.job().reportDirectory())), tm).build();
    }
}
