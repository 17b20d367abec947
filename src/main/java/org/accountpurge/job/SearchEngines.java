package org.accountpurge.job;

import java.time.Duration;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.elasticsearch.ElasticsearchEngine;
import org.accountpurge.store.opensearch.OpenSearchEngine;
import org.accountpurge.store.search.SearchServer;
import org.accountpurge.store.search.SearchStore;

/** Which client talks to the search server: the one of the engine that answers at the address (or is configured). */
public final class SearchEngines {

    private SearchEngines() {
    }

    /**
     * The search store at {@code url}: the server is asked what it is on first use, then given its engine's client.
     *
     * @param authorization the {@code Authorization} header of every request, or null
     */
    public static SearchStore store(String url, PurgeProperties.SearchEngine engine, String authorization,
                                    Duration connectTimeout, Duration requestTimeout) {
        SearchServer.Engine configured = switch (engine) {
            case AUTO -> null;
            case ELASTICSEARCH -> SearchServer.Engine.ELASTICSEARCH;
            case OPENSEARCH -> SearchServer.Engine.OPENSEARCH;
        };
        return new SearchStore(() -> SearchServer.detect(url, configured, authorization, connectTimeout,
                requestTimeout),
                server -> switch (server.engine()) {
                    case ELASTICSEARCH -> new ElasticsearchEngine(url, authorization, connectTimeout, requestTimeout);
                    case OPENSEARCH -> new OpenSearchEngine(url, authorization, connectTimeout, requestTimeout);
                });
    }
}
