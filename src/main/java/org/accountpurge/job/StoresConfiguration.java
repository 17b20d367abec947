package org.accountpurge.job;

import org.accountpurge.audit.StepLog;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.elasticsearch.ElasticsearchStore;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** The clients of the three stores and the run's bookkeeping, shared by every step. */
@Configuration(proxyBeanMethods = false)
class StoresConfiguration {

    @Bean(destroyMethod = "close")
    ElasticsearchStore elasticsearchStore(PurgeProperties config) {
        PurgeProperties.Elasticsearch es = config.elasticsearch();
        return new ElasticsearchStore(es.url(), es.connectTimeout(), es.requestTimeout());
    }

    @Bean(destroyMethod = "close")
    KeycloakAccounts keycloakAccounts(PurgeProperties config) {
        PurgeProperties.Keycloak kc = config.keycloak();
        return new KeycloakAccounts(kc.url(), kc.realm(), kc.clientId(), kc.clientSecret(), kc.timeout(), kc.threads(),
                KeycloakAccounts.UserMatch.valueOf(kc.userMatch().toUpperCase(java.util.Locale.ROOT)), kc.userAttribute());
    }

    /** Retention queries run on read-only sessions of their own, never on the chunk's connection. */
    @Bean(destroyMethod = "close")
    ReadOnlyQueries readOnlyQueries(DataSourceProperties dataSource) {
        return new ReadOnlyQueries(dataSource.determineUrl(), dataSource.determineUsername(),
                dataSource.determinePassword());
    }

    @Bean
    StepLog stepLog(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        return new StepLog(jdbc, transactionManager);
    }

    @Bean
    CandidateStore candidateStore(JdbcTemplate jdbc) {
        return new CandidateStore(jdbc);
    }
}
