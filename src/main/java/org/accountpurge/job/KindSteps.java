package org.accountpurge.job;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import io.micrometer.observation.ObservationRegistry;
import org.accountpurge.account.AccountKind;
import org.accountpurge.audit.PurgedIdHashing;
import org.accountpurge.audit.StepLog;
import org.accountpurge.audit.StepProgress;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateBuckets;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.candidate.PendingCandidates;
import org.accountpurge.config.JobSection;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.lifecycle.LifecycleStore;
import org.accountpurge.lifecycle.LifecycleTasklet;
import org.accountpurge.lifecycle.LifecycleWriter;
import org.accountpurge.lifecycle.MailNotice;
import org.accountpurge.purge.AccountPurgeWriter;
import org.accountpurge.purge.FaultPolicy;
import org.accountpurge.purge.RunWindow;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.retention.RetentionEvaluator;
import org.accountpurge.retention.RetentionWriter;
import org.accountpurge.store.postgres.DatabaseLookup;
import org.accountpurge.store.postgres.JdbcSavepoints;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.accountpurge.store.postgres.TenantLease;
import org.accountpurge.worker.ManagerAlive;
import org.accountpurge.worker.PartitionWatch;
import org.accountpurge.worker.WorkerSteps;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.integration.partition.RemotePartitioningManagerStepBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.messaging.MessageChannel;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The steps of one kind of account, in order: retain&lt;Kind&gt;, for users with a grace lifecycle
 * advanceLifecycle&lt;Kind&gt;, then purge&lt;Kind&gt; and closeLifecycle&lt;Kind&gt;; and the optional steps the
 * configuration asks for (hashPurgedIds). Each chunk step reads the run's pending candidates of its kind; its
 * writer binds to the execution when the step starts.
 */
public class KindSteps {

    private final JobRepository jobRepository;
    private final PlatformTransactionManager tm;
    private final PurgeProperties config;
    private final DataSource dataSource;
    private final TenantStores stores;
    private final TenantLease lease;
    private final JdbcTemplate jdbc;
    private final ReadOnlyQueries readOnly;
    private final ObjectProvider<JavaMailSender> mailSender;
    private final CandidateStore candidates;
    private final StepLog stepLog;
    private final ObservationRegistry observed;
    private final MessageChannel partitionRequests;

    KindSteps(JobRepository jobRepository, PlatformTransactionManager tm, PurgeProperties config, DataSource dataSource,
              TenantStores stores, TenantLease lease, JdbcTemplate jdbc, ReadOnlyQueries readOnly,
              ObjectProvider<JavaMailSender> mailSender, CandidateStore candidates, StepLog stepLog,
              ObservationRegistry observed, MessageChannel partitionRequests) {
        this.jobRepository = jobRepository;
        this.tm = tm;
        this.config = config;
        this.dataSource = dataSource;
        this.stores = stores;
        this.lease = lease;
        this.jdbc = jdbc;
        this.readOnly = readOnly;
        this.mailSender = mailSender;
        this.candidates = candidates;
        this.stepLog = stepLog;
        this.observed = observed;
        this.partitionRequests = partitionRequests;
    }

    /** The kind's steps, in the order the job runs them. */
    public List<Step> of(AccountKind kind) {
        List<Step> steps = new ArrayList<>();
        steps.add(kindStep("retain" + kind.plural(), kind, () -> retentionWriter(kind)));
        SelectionSection selection = config.selection();
        boolean lifecycle = selection != null && selection.lifecycle() != null && kind == AccountKind.USER;
        if (lifecycle) {
            LifecycleWriter advance = new LifecycleWriter(kind, selection, parameters -> new LifecycleWriter.Setup(
                    evaluator(stores, config, kind, stores.postgres(kind)),
                    stores.activity(kind, CandidateSource.runDate(parameters)), stores.keycloak(kind).orElseThrow()),
                    candidates, new LifecycleStore(jdbc), stepLog, new NamedParameterJdbcTemplate(dataSource),
                    mailNotice(selection.lifecycle(), mailSender, dataSource, readOnly, config));
            steps.add(chunkStep("advanceLifecycle" + kind.plural(), kind, advance, false));
        }
        steps.add(kindStep("purge" + kind.plural(), kind, () -> purgeWriter(kind)));
        if (lifecycle) {
            steps.add(new StepBuilder("closeLifecycle" + kind.plural(), jobRepository)
                    .tasklet(new LifecycleTasklet(kind, selection.name(), new LifecycleStore(jdbc)), tm).build());
        }
        return steps;
    }

    /**
     * What a worker process runs (remote partitioning): the partitions of each kind's retain and purge steps, each on
     * a step of its own that confirms the manager is alive before every chunk.
     */
    public WorkerSteps workerSteps() {
        Map<String, Supplier<Step>> steps = new LinkedHashMap<>();
        for (AccountKind kind : config.kinds()) {
            String retain = "retain" + kind.plural();
            String purge = "purge" + kind.plural();
            steps.put(retain, () -> chunkStep(retain, kind, retentionWriter(kind), true));
            steps.put(purge, () -> chunkStep(purge, kind, purgeWriter(kind), true));
        }
        return new WorkerSteps(steps);
    }

    private ItemWriter<Candidate> retentionWriter(AccountKind kind) {
        return new RetentionWriter(kind, () -> evaluator(stores, config, kind, stores.postgres(kind)), candidates);
    }

    private ItemWriter<Candidate> purgeWriter(AccountKind kind) {
        return new AccountPurgeWriter(kind, parameters -> {
            PostgresAccounts postgres = stores.postgres(kind);
            return new AccountPurgeWriter.Setup(evaluator(stores, config, kind, postgres)
                    .then(stores.activity(kind, CandidateSource.runDate(parameters))),
                    stores.forKind(kind, postgres), stores.events().orElse(null));
        }, candidates, stepLog, new JdbcSavepoints(dataSource), FaultPolicy.of(config.job()));
    }

    /** hashPurgedIds, when purge.audit.id-hash-key is set: the purged ids replaced by keyed hashes. */
    public Optional<Step> hashPurgedIds() {
        if (config.audit() == null || !config.audit().hashesIds()) {
            return Optional.empty();
        }
        return Optional.of(new StepBuilder("hashPurgedIds", jobRepository).tasklet(new PurgedIdHashing(jdbc,
                config.audit().idHashKey(), config.kinds()), tm).build());
    }

    /** The lifecycle's warning by mail, when configured: it needs spring.mail.host (the platform's SMTP relay). */
    private static MailNotice mailNotice(SelectionSection.Lifecycle lifecycle, ObjectProvider<JavaMailSender> sender,
                                         DataSource dataSource, ReadOnlyQueries readOnly, PurgeProperties config) {
        if (lifecycle.mail() == null) {
            return null;
        }
        JavaMailSender mail = sender.getIfAvailable();
        if (mail == null) {
            throw new IllegalStateException("purge.selection.lifecycle.mail needs an SMTP server: set spring.mail.host"
                    + " (and spring.mail.port, username, password)");
        }
        return new MailNotice(mail, lifecycle.mail(), new DatabaseLookup(dataSource, readOnly,
                TenantStores.schema(config, AccountKind.USER), lifecycle.mail().emailSql()));
    }

    private static RetentionEvaluator evaluator(TenantStores stores, PurgeProperties config, AccountKind kind,
                                                PostgresAccounts postgres) {
        return new RetentionEvaluator(config.retentionFor(kind), postgres, stores.keycloak(kind).orElse(null));
    }

    /**
     * The chunk step of {@code writers}' writer, or, with {@code purge.job.partitions} above 1, a step of that name
     * whose partitions ({@link CandidateBuckets}) each run such a chunk step over their bucket, {@code purge.job.workers}
     * at a time, each with a writer of its own. With {@code purge.job.remote}, the partitions are requests to the
     * worker processes over the broker, and this step the manager's: it waits for them, reading the job repository,
     * and fails those whose worker went silent ({@link PartitionWatch}).
     */
    private Step kindStep(String name, AccountKind kind, Supplier<ItemWriter<Candidate>> writers) {
        int partitions = config.job().partitions();
        JobSection.Remote remote = config.job().remote();
        if (remote != null) {
            return new RemotePartitioningManagerStepBuilder(name, jobRepository)
                    .partitioner(name, new CandidateBuckets(partitions)).gridSize(partitions)
                    .outputChannel(partitionRequests).pollInterval(remote.pollInterval().toMillis())
                    .listener(new PartitionWatch(jobRepository, jdbc, remote.pollInterval(), remote.workerTimeout(),
                            remote.queue(), Clock.systemUTC()))
                    .listener(managerHoldsTheLock())
                    .build();
        }
        if (partitions == 1) {
            return chunkStep(name, kind, writers.get(), false);
        }
        return new StepBuilder(name, jobRepository)
                .partitioner(name, new CandidateBuckets(partitions))
                .partitionHandler(new FreshStepPerPartition(() -> chunkStep(name, kind, writers.get(), false), name,
                        partitions, config.job().workers()))
                .build();
    }

    /**
     * The workers take the tenant's lock being held as the sign that their manager lives, so the manager holds it
     * before it sends a partition, also when launched by other means than the command line (which takes it first).
     */
    private StepExecutionListener managerHoldsTheLock() {
        return new StepExecutionListener() {
            @Override
            public void beforeStep(StepExecution step) {
                lease.hold();
            }
        };
    }

    /**
     * A chunk step over the run's pending candidates of one kind; reader and writer bind when the step starts. Before
     * each chunk is written, the tenant's lock is confirmed (on a worker: that the manager is alive); after each, the
     * progress is shown and the run's window checked (when it has one).
     */
    private Step chunkStep(String name, AccountKind kind, ItemWriter<Candidate> writer, boolean onWorker) {
        var step = new StepBuilder(name, jobRepository).<Candidate, Candidate>chunk(config.job().chunkSize())
                .transactionManager(tm).observationRegistry(observed)
                .reader(new PendingCandidates(kind, dataSource, config.job().chunkSize()))
                .writer(writer);
        if (onWorker) {
            ManagerAlive manager = new ManagerAlive(dataSource, config.postgres().schema());
            step.listener((StepExecutionListener) manager).listener((ItemWriteListener<Candidate>) manager);
        } else {
            step.listener(new ItemWriteListener<Candidate>() {
                @Override
                public void beforeWrite(Chunk<? extends Candidate> items) {
                    lease.confirm();
                }
            });
        }
        step.listener(new StepProgress(kind, new JdbcTemplate(dataSource), config.job().progress(),
                        config.job().progressInterval()));
        if (config.job().window() != null) {
            step.listener(new RunWindow(config.job().window(), Clock.systemUTC()));
        }
        return step.build();
    }
}
