package org.accountpurge.job;

import org.accountpurge.store.search.SearchServer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link PurgeJobFunctionalTests} with Elasticsearch as the search server. */
class PurgeJobFunctionalTest extends PurgeJobFunctionalTests {

    @DynamicPropertySource
    static void elasticsearch(DynamicPropertyRegistry registry) throws Exception {
        stack(registry, SearchServer.Engine.ELASTICSEARCH);
    }
}
