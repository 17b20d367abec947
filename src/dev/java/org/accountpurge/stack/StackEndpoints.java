package org.accountpurge.stack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the three stores of a running stack answer. Credentials here belong to throw-away local
 * servers (or come from the environment when an external stack is used); they are never written to
 * the repository.
 */
public record StackEndpoints(
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
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

    @Override
    public String toString() {
        return "StackEndpoints[postgres=" + jdbcUrl + ", elasticsearch=" + elasticsearchUrl
                + ", keycloak=" + keycloakUrl + "]";
    }
}
