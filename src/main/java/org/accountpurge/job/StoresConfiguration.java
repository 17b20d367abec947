package org.accountpurge.job;

import java.util.Optional;
import javax.sql.DataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.accountpurge.audit.StepLog;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.KeycloakSection;
import org.accountpurge.purge.TenantStores;
import org.accountpurge.store.search.SearchStore;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.keycloak.KeycloakSettings;
import org.accountpurge.store.postgres.DatabaseLookup;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.accountpurge.store.postgres.TenantLease;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The clients of the configured stores (Elasticsearch and Keycloak only when their section is there) and the run's
 * bookkeeping, shared by every step.
 */
@Configuration(proxyBeanMethods = false)
class StoresConfiguration {

    /** The tool's own tables, migrated at start-up unless {@code account-purge.migrate-on-demand} (the CLI's writers). */
    @Bean
    org.accountpurge.audit.PurgeSchema purgeSchema(
            @org.springframework.beans.factory.annotation.Value("${account-purge.migrate-on-demand:false}") boolean onDemand) {
        return new org.accountpurge.audit.PurgeSchema(onDemand);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "purge.elasticsearch", name = "url")
    SearchStore elasticsearchStore(PurgeProperties config) {
        PurgeProperties.Elasticsearch es = config.elasticsearch();
        return SearchEngines.store(es.url(), es.engine(), es.authorization(), es.connectTimeout(), es.requestTimeout());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "purge.keycloak", name = "url")
    KeycloakAccounts keycloakAccounts(PurgeProperties config, DataSource dataSource, ReadOnlyQueries readOnly,
                                      JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                                      @Value("${" + RemotePartitioningConfiguration.WORKER + ":false}") boolean worker) {
        KeycloakSection kc = config.keycloak();
        boolean byDatabase = kc.userMatch() == KeycloakSection.UserMatch.DATABASE;
        DatabaseLookup keycloakIds = byDatabase
                ? new DatabaseLookup(dataSource, readOnly,
                TenantStores.schema(config, AccountKind.USER), kc.userIdSql()) : null;
        KeycloakSettings settings = new KeycloakSettings(kc.url(), kc.realm(), kc.clientId(), kc.clientSecret(),
                kc.timeout(), kc.threads(), kc.maxCallsPerSecond(), kc.userMatch(), kc.userAttribute(),
                kc.onPurge() == KeycloakSection.OnPurge.SCRUB)
                .shareOf(worker && config.job().remote() != null ? config.job().workers() : 1);
        return new KeycloakAccounts(settings, keycloakIds, byDatabase
                ? new org.accountpurge.audit.ExternalIdLedger(jdbc, transactionManager, AccountKind.USER) : null);
    }

    @Bean
    TenantStores tenantStores(PurgeProperties config, DataSource dataSource, ReadOnlyQueries readOnly,
                              Optional<SearchStore> elasticsearch, Optional<KeycloakAccounts> keycloak) {
        return new TenantStores(config, dataSource, readOnly, elasticsearch, keycloak);
    }

    /** The tenant's lock, taken by the command line around an execution and confirmed by the steps before each write. */
    @Bean(destroyMethod = "close")
    TenantLease tenantLease(DataSource dataSource, PurgeProperties config) {
        return new TenantLease(dataSource, config.postgres().schema());
    }

    /** Retention and lookup queries run on read-only sessions of their own, never on the chunk's connection. */
    @Bean(destroyMethod = "close")
    ReadOnlyQueries readOnlyQueries(DataSourceProperties dataSource) {
        return new ReadOnlyQueries(dataSource.determineUrl(), dataSource.determineUsername(),
                dataSource.determinePassword());
    }

    @Bean
    StepLog stepLog(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                    ObjectProvider<MeterRegistry> meters) {
        return new StepLog(jdbc, transactionManager, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    CandidateStore candidateStore(JdbcTemplate jdbc) {
        return new CandidateStore(jdbc);
    }
}
