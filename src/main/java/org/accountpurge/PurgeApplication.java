package org.accountpurge;

import org.accountpurge.config.ConfigurationFirst;
import org.accountpurge.config.PurgeProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The Spring application that runs purge jobs; started by the command line ({@code cli.Main}) and by tests. */
@SpringBootApplication
@EnableConfigurationProperties(PurgeProperties.class)
public class PurgeApplication {

    @Bean
    static ConfigurationFirst configurationFirst() {
        return new ConfigurationFirst();
    }
}
