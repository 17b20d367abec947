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

    /** Spring properties that point the application at this stack. */
    public Map<String, Object> asSpringProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", jdbcUrl);
        p.put("spring.datasource.username", jdbcUser);
        p.put("spring.datasource.password", jdbcPassword);
        p.put("purge.stack.elasticsearch-url", elasticsearchUrl);
        p.put("purge.stack.keycloak-url", keycloakUrl);
        p.put("purge.stack.keycloak-admin-user", keycloakAdminUser);
        p.put("purge.stack.keycloak-admin-password", keycloakAdminPassword);
        return p;
    }

    @Override
    public String toString() {
        return "StackEndpoints[postgres=" + jdbcUrl + ", elasticsearch=" + elasticsearchUrl
                + ", keycloak=" + keycloakUrl + "]";
    }
}
