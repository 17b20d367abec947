package org.accountpurge.stack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.accountpurge.store.search.SearchServer;

/**
 * Where the three stores of a running stack answer. Credentials here belong to throw-away local
 * servers (or come from the environment when an external stack is used); they are never written to
 * the repository. The search server ({@code elasticsearchUrl}, the purge's {@code purge.elasticsearch.url}) is
 * Elasticsearch or OpenSearch, as {@code search} says.
 */
public record StackEndpoints(
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        SearchServer.Engine search,
        String elasticsearchUrl,
        String keycloakUrl,
        String keycloakAdminUser,
        String keycloakAdminPassword) {

    /** The PURGE_* properties a job configuration refers to, pointing at this stack. */
    public Map<String, Object> asPurgeProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("PURGE_PG_URL", jdbcUrl);
        p.put("PURGE_PG_USER", jdbcUser);
        p.put("PURGE_PG_PASSWORD", jdbcPassword);
        p.put("PURGE_ES_URL", elasticsearchUrl);
        p.put("PURGE_KC_URL", keycloakUrl);
        return p;
    }

    /** These endpoints with another search server. */
    public StackEndpoints withSearch(SearchServer.Engine engine, String url) {
        return new StackEndpoints(jdbcUrl, jdbcUser, jdbcPassword, engine, url, keycloakUrl, keycloakAdminUser,
                keycloakAdminPassword);
    }

    @Override
    public String toString() {
        return "StackEndpoints[postgres=" + jdbcUrl + ", " + search.name().toLowerCase(java.util.Locale.ROOT) + "="
                + elasticsearchUrl
                + ", keycloak=" + keycloakUrl + "]";
    }
}
