package org.accountpurge.job;

import org.accountpurge.store.search.SearchServer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link PurgeJobFunctionalTests} with OpenSearch as the search server: the same purge, dry run, failing and killed
 * runs with their restarts, verification and orphans, against a real OpenSearch (the configuration unchanged: the
 * engine is detected).
 */
class OpenSearchPurgeJobFunctionalTest extends PurgeJobFunctionalTests {

    @DynamicPropertySource
    static void openSearch(DynamicPropertyRegistry registry) throws Exception {
        stack(registry, SearchServer.Engine.OPENSEARCH);
    }
}
