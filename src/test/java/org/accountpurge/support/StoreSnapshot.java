package org.accountpurge.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.seed.KeycloakRealmSetup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything the tenant holds in the three stores, read through each store's own API: every row of every tenant
 * table (as PostgreSQL's JSON of the row), every document of every index (id to source) and every realm user.
 *
 * @param rows  table to its rows, sorted
 * @param docs  index to document id to source JSON
 * @param users Keycloak id to description
 */
public record StoreSnapshot(Map<String, List<String>> rows, Map<String, Map<String, String>> docs,
                            Map<String, String> users) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static StoreSnapshot take(StackEndpoints stack) throws Exception {
        Map<String, List<String>> rows = new TreeMap<>();
        try (Connection c = SeedCommand.dataSource(stack).getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                List<String> list = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT row_to_json(t)::text FROM public.\"" + table + "\" t ORDER BY 1")) {
                    while (rs.next()) {
                        list.add(rs.getString(1));
                    }
                }
                rows.put(table, list);
            }
        }
        Map<String, Map<String, String>> docs = new TreeMap<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String index : ReferenceTenant.INDEXES.keySet()) {
            send(http, HttpRequest.newBuilder(URI.create(stack.elasticsearchUrl() + "/" + index + "/_refresh"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            String body = send(http, HttpRequest.newBuilder(URI.create(stack.elasticsearchUrl() + "/" + index
                    + "/_search?size=10000")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match_all\":{}},"
                            + "\"track_total_hits\":true}")).build());
            long total = JSON.readTree(body).path("hits").path("total").path("value").asLong();
            if (total > 10_000) {
                throw new IOException(index + " holds " + total + " documents: more than one page of a snapshot");
            }
            JsonNode hits = JSON.readTree(body).path("hits").path("hits");
            Map<String, String> byId = new TreeMap<>();
            hits.forEach(h -> byId.put(h.path("_id").asString(), h.path("_source").toString()));
            docs.put(index, byId);
        }
        Map<String, String> users;
        try (KeycloakRealmSetup kc = new KeycloakRealmSetup(stack.keycloakUrl(), stack.keycloakAdminUser(),
                stack.keycloakAdminPassword(), Duration.ofSeconds(60))) {
            users = kc.allUsers(ReferenceTenant.REALM);
        }
        return new StoreSnapshot(rows, docs, users);
    }

    private static String send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(request.uri() + " answered " + response.statusCode());
        }
        return response.body();
    }
}
