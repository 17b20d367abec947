package org.accountpurge.job;

import org.accountpurge.config.JobSection;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.postgres.TenantLock;
import org.accountpurge.worker.PartitionGate;
import org.accountpurge.worker.PartitionRequest;
import org.accountpurge.worker.WorkerSteps;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.integration.config.annotation.EnableBatchIntegration;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.jms.dsl.Jms;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Remote partitioning, when {@code purge.job.remote.broker-url} is set: the manager's steps send each partition as a
 * line of text to the broker's queue ({@link PartitionRequest}); a worker process ({@code worker}, which sets
 * {@value #WORKER}) takes them one at a time, checks them ({@link PartitionGate}) and runs them with Spring Batch's
 * {@link StepExecutionRequestHandler} on a fresh step ({@link WorkerSteps}). Results go through the job repository,
 * which the manager polls: no reply queue.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "purge.job.remote", name = "broker-url")
@EnableBatchIntegration
public class RemotePartitioningConfiguration {

    /** Set by the {@code worker} command: this process works partitions. */
    public static final String WORKER = "account-purge.worker";

    /** The channel the manager's steps send their partition requests to. */
    public static final String REQUESTS = "partitionRequests";

    /** The worker's listener on the queue (a lifecycle: the worker stops it on SIGTERM). */
    public static final String LISTENER = "partitionListener";

    @Bean(destroyMethod = "close")
    ActiveMQConnectionFactory partitionBroker(PurgeProperties config) {
        JobSection.Remote remote = config.job().remote();
        ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory(remote.brokerUrl());
        if (remote.user() != null && !remote.user().isBlank()) {
            broker.setUser(remote.user());
            broker.setPassword(remote.password());
        }
        broker.setConsumerWindowSize(0); // a worker holds no request it does not work: the idle ones take them
        return broker;
    }

    @Bean(REQUESTS)
    DirectChannel partitionRequests() {
        return new DirectChannel();
    }

    @Bean
    IntegrationFlow partitionRequestsToBroker(ActiveMQConnectionFactory partitionBroker, PurgeProperties config) {
        return IntegrationFlow.from(REQUESTS)
                .handle(StepExecutionRequest.class, (request, headers) -> PartitionRequest.text(request, headers))
                .handle(Jms.outboundAdapter(partitionBroker).destination(config.job().remote().queue()))
                .get();
    }

    @Bean
    @ConditionalOnProperty(name = WORKER, havingValue = "true")
    WorkerSteps workerSteps(KindSteps kindSteps) {
        return kindSteps.workerSteps();
    }

    @Bean
    @ConditionalOnProperty(name = WORKER, havingValue = "true")
    IntegrationFlow partitionRequestsFromBroker(ActiveMQConnectionFactory partitionBroker, PurgeProperties config,
                                                JobRepository jobRepository, JdbcTemplate jdbc, WorkerSteps steps,
                                                @Value("${account-purge.config-sha256:}") String configSha256) {
        StepExecutionRequestHandler handler = new StepExecutionRequestHandler();
        handler.setJobRepository(jobRepository);
        handler.setStepLocator(steps);
        PartitionGate gate = new PartitionGate(jobRepository, jdbc, steps.names(), configSha256,
                () -> TenantLock.heldByAnyone(jdbc.getDataSource(), config.postgres().schema()));
        return IntegrationFlow.from(Jms.messageDrivenChannelAdapter(partitionBroker)
                        .destination(config.job().remote().queue()).id(LISTENER))
                .filter(Object.class, gate::accepts, drop -> drop.discardChannel("nullChannel")) // logged by the gate
                .transform(String.class, text -> PartitionRequest.parse(text).orElseThrow().request())
                .handle(handler, "handle")
                .nullChannel();
    }
}
