package org.accountpurge.store.keycloak;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.client.jaxrs.internal.ResteasyClientBuilderImpl;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

/** Builds the purge's service-account client with a connection pool large enough for the purge's parallel calls. */
final class KeycloakConnections {

    private KeycloakConnections() {
    }

    static Keycloak serviceAccount(String url, String realm, String clientId, String secret, Duration timeout,
                                   int poolSize) {
        return KeycloakBuilder.builder().serverUrl(url).realm(realm).clientId(clientId).clientSecret(secret)
                .grantType(OAuth2Constants.CLIENT_CREDENTIALS).resteasyClient(http(timeout, poolSize)).build();
    }

    private static jakarta.ws.rs.client.Client http(Duration timeout, int poolSize) {
        return new ResteasyClientBuilderImpl().connectionPoolSize(poolSize).maxPooledPerRoute(poolSize)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
    }
}
