package org.accountpurge.support;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.accountpurge.stack.StackEndpoints;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The test stack as the command-line tests reach it: Keycloak behind a proxy a test can freeze or make refuse, a
 * JDBC template on the tenant database, and the {@code PURGE_*} properties a purge runs with.
 */
public record ProxiedStack(StackEndpoints stack, FlakyHttpProxy keycloak, JdbcTemplate jdbc) implements AutoCloseable {

    public static ProxiedStack open() throws IOException {
        StackEndpoints stack = TestStack.endpoints();
        return new ProxiedStack(stack, new FlakyHttpProxy(stack.keycloakUrl()), new JdbcTemplate(
                new SingleConnectionDataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword(), true)));
    }

    /** The stack's {@code PURGE_*} values, Keycloak through the proxy, with the purge client's secret. */
    public Map<String, Object> properties(String clientSecret) {
        Map<String, Object> p = new HashMap<>(stack.asPurgeProperties());
        p.put("PURGE_KC_URL", keycloak.url());
        p.put("PURGE_KC_CLIENT_SECRET", clientSecret);
        return p;
    }

    @Override
    public void close() {
        keycloak.close();
    }
}
