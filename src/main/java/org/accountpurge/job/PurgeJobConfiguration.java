package org.accountpurge.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import io.micrometer.observation.ObservationRegistry;
import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.audit.PurgedIdHashing;
import org.accountpurge.audit.StepProgress;
import org.accountpurge.audit.StepLog;
import org.accountpurge.audit.SummaryTasklet;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateReader;
import org.accountpurge.candidate.CandidateScreen;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.candidate.CandidateWriter;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.account.IdFormat;
import org.accountpurge.candidate.InputRow;
import org.accountpurge.candidate.PendingCandidates;
import org.accountpurge.candidate.SelectionReader;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.lifecycle.LifecycleStore;
import org.accountpurge.lifecycle.LifecycleTasklet;
import org.accountpurge.lifecycle.LifecycleWriter;
import org.accountpurge.lifecycle.MailNotice;
import org.accountpurge.purge.AccountPurgeWriter;
import org.accountpurge.purge.BlastRadius;
import org.accountpurge.purge.FaultPolicy;
import org.accountpurge.purge.LocalExecutions;
import org.accountpurge.purge.Preflight;
import org.accountpurge.purge.RunWindow;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.purge.Verification;
import org.accountpurge.purge.VerifyTasklet;
import org.accountpurge.retention.RetentionEvaluator;
import org.accountpurge.retention.RetentionWriter;
import org.accountpurge.store.postgres.DatabaseLookup;
import org.accountpurge.store.postgres.JdbcSavepoints;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.accountpurge.store.postgres.TenantLease;
import org.accountpurge.store.postgres.TenantPlan;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code accountPurgeJob}: validateConfiguration, loadCandidates, freezeCandidates, checkBlastRadius, then for each
 * configured kind of account (users first, so that members purged in the same run no longer hold their orgs back) retain&lt;Kind&gt;
 * (with a grace lifecycle, users: advanceLifecycleUsers between them and closeLifecycleUsers after) and
 * purge&lt;Kind&gt;, then verifyPurge (every purged account gone from every store?), hashPurgedIds (with
 * purge.audit.id-hash-key) and writeSummary. The run's
 * identity is its job instance: candidates, retention and step log rows are keyed by its id. Each kind step gets its kind explicitly; its reader and writer bind to the execution when
 * the step starts.
 */
@Configuration(proxyBeanMethods = false)
public class PurgeJobConfiguration {

    /** The job's name, and its bean's: what the command line starts. */
    public static final String JOB = "accountPurgeJob";

    static final String RUN_ID = "#{stepExecution.jobExecution.jobInstance.instanceId}";

    @Bean(JOB)
    Job accountPurgeJob(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config,
                        ExecutionConfigRecorder executionConfigRecorder, LocalExecutions localExecutions,
                        Step validateConfiguration,
                        Step loadCandidates, Step freezeCandidates, Step checkBlastRadius, Step verifyPurge,
                        Step writeSummary, DataSource dataSource,
                        TenantStores stores, TenantLease lease, JdbcTemplate jdbc, ReadOnlyQueries readOnly,
                        ObjectProvider<JavaMailSender> mailSender,
                        CandidateStore candidates, StepLog stepLog,
                        ObjectProvider<ObservationRegistry> observations) {
        ObservationRegistry observed = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        SimpleJobBuilder job = new JobBuilder(JOB, jobRepository)
                .validator(new CandidateSource())
                .listener(executionConfigRecorder).listener(localExecutions)
                .start(validateConfiguration).next(loadCandidates).next(freezeCandidates)
                .next(checkBlastRadius);
        for (AccountKind kind : config.kinds()) {
            RetentionWriter retain = new RetentionWriter(kind, () -> evaluator(stores, config, kind, stores.postgres(kind)),
                    candidates);
            AccountPurgeWriter purge = new AccountPurgeWriter(kind, parameters -> {
                PostgresAccounts postgres = stores.postgres(kind);
                return new AccountPurgeWriter.Setup(evaluator(stores, config, kind, postgres)
                        .then(stores.activity(kind, CandidateSource.runDate(parameters))),
                        stores.forKind(kind, postgres), stores.events().orElse(null));
            }, candidates, stepLog, new JdbcSavepoints(dataSource), FaultPolicy.of(config.job()));
            job.next(kindStep("retain" + kind.plural(), kind, jobRepository, tm, config, dataSource, lease, retain, observed));
            PurgeProperties.Selection selection = config.selection();
            boolean lifecycle = selection != null && selection.lifecycle() != null && kind == AccountKind.USER;
            if (lifecycle) {
                LifecycleWriter advance = new LifecycleWriter(kind, selection, parameters -> new LifecycleWriter.Setup(
                        evaluator(stores, config, kind, stores.postgres(kind)),
                        stores.activity(kind, CandidateSource.runDate(parameters)), stores.keycloak(kind).orElseThrow()), candidates, new LifecycleStore(jdbc), stepLog,
                        new NamedParameterJdbcTemplate(dataSource), mailNotice(selection.lifecycle(), mailSender,
                        dataSource, readOnly, config));
                job.next(kindStep("advanceLifecycle" + kind.plural(), kind, jobRepository, tm, config, dataSource,
                        lease, advance, observed));
            }
            job.next(kindStep("purge" + kind.plural(), kind, jobRepository, tm, config, dataSource, lease, purge, observed));
            if (lifecycle) {
                job.next(new StepBuilder("closeLifecycle" + kind.plural(), jobRepository)
                        .tasklet(new LifecycleTasklet(kind, selection.name(), new LifecycleStore(jdbc)), tm).build());
            }
        }
        job.next(verifyPurge);
        if (config.audit() != null && config.audit().hashesIds()) {
            job.next(new StepBuilder("hashPurgedIds", jobRepository).tasklet(new PurgedIdHashing(jdbc,
                    config.audit().idHashKey(), config.kinds()), tm).build());
        }
        return job.next(writeSummary).build();
    }

    /** The lifecycle's warning by mail, when configured: it needs spring.mail.host (the platform's SMTP relay). */
    private static MailNotice mailNotice(PurgeProperties.Lifecycle lifecycle, ObjectProvider<JavaMailSender> sender,
                                         DataSource dataSource, ReadOnlyQueries readOnly, PurgeProperties config) {
        if (lifecycle.mail() == null) {
            return null;
        }
        JavaMailSender mail = sender.getIfAvailable();
        if (mail == null) {
            throw new IllegalStateException("purge.selection.lifecycle.mail needs an SMTP server: set spring.mail.host"
                    + " (and spring.mail.port, username, password)");
        }
        return new MailNotice(mail, lifecycle.mail(), new DatabaseLookup(dataSource, readOnly, config,
                AccountKind.USER, lifecycle.mail().emailSql()));
    }

    private static RetentionEvaluator evaluator(TenantStores stores, PurgeProperties config, AccountKind kind,
                                                PostgresAccounts postgres) {
        return new RetentionEvaluator(config.retentionFor(kind), postgres, stores.keycloak(kind).orElse(null));
    }

    /**
     * A chunk step over the run's pending candidates of one kind; reader and writer bind when the step starts. Before
     * each chunk is written, the tenant's lock is confirmed; after each, the progress is shown and the run's window
     * checked (when it has one).
     */
    private static Step kindStep(String name, AccountKind kind, JobRepository jobRepository,
                                 PlatformTransactionManager tm, PurgeProperties config, DataSource dataSource,
                                 TenantLease lease, ItemWriter<Candidate> writer, ObservationRegistry observations) {
        var step = new StepBuilder(name, jobRepository).<Candidate, Candidate>chunk(config.job().chunkSize())
                .transactionManager(tm).observationRegistry(observations).reader(new PendingCandidates(kind, dataSource, config.job().chunkSize()))
                .writer(writer).listener(new ItemWriteListener<Candidate>() {
                    @Override
                    public void beforeWrite(Chunk<? extends Candidate> items) {
                        lease.confirm();
                    }
                })
                .listener(new StepProgress(kind, new JdbcTemplate(dataSource), config.job().progress(),
                        config.job().progressInterval()));
        if (config.job().window() != null) {
            step.listener(new RunWindow(config.job().window(), Clock.systemUTC()));
        }
        return step.build();
    }

    /** The configuration file each execution runs with and who started it, as the command line says ({@code account-purge.*}). */
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
        config.kinds().forEach(kind -> formats.put(kind, new IdFormat(TenantPlan.idType(dataSource, config, kind))));
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
    Step writeSummary(JobRepository jobRepository, PlatformTransactionManager tm, JdbcTemplate jdbc, PurgeProperties config) {
        return new StepBuilder("writeSummary", jobRepository)
                .tasklet(new SummaryTasklet(jdbc, Path.of(config.job().reportDirectory())), tm).build();
    }
}
