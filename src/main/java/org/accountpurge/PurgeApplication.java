package org.accountpurge;

import org.accountpurge.config.PurgeProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The Spring application that runs purge jobs; started by the command line ({@code cli.Main}) and by tests. */
@SpringBootApplication
@EnableConfigurationProperties(PurgeProperties.class)
public class PurgeApplication {
}
