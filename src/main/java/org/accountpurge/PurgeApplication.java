package org.accountpurge;

import org.accountpurge.config.ConfigurationFirst;
import org.accountpurge.config.PurgeProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Spring application that runs purge jobs; started by the command line ({@code cli.Main}) and by tests. Boot's JMS and Artemis set-up is left out: the broker of remote partitioning is made from purge.job.remote alone
 * (RemotePartitioningConfiguration), and a process without it opens no connection and starts no broker.
 */
@SpringBootApplication(excludeName = {"org.springframework.boot.artemis.autoconfigure.ArtemisAutoConfiguration",
        "org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration",
        "org.springframework.boot.jms.autoconfigure.JndiConnectionFactoryAutoConfiguration",
        "org.springframework.boot.jms.autoconfigure.health.JmsHealthContributorAutoConfiguration"})
@EnableConfigurationProperties(PurgeProperties.class)
public class PurgeApplication {

    @Bean
    static ConfigurationFirst configurationFirst() {
        return new ConfigurationFirst();
    }
}
