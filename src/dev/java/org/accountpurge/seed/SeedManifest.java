package org.accountpurge.seed;

import java.util.List;
import java.util.Map;

/**
 * What the seeder made: expected counts per store and target (as each store will report them), and which
 * ids are which kind. Tests and the demo check the stores against it.
 */
public record SeedManifest(
        int users,
        int orgs,
        long seed,
        String realm,
        Map<String, Long> postgresRows,
        Map<String, Long> elasticsearchDocuments,
        long keycloakUsers,
        Map<String, List<String>> userIds,
        Map<String, List<String>> orgIds) {
}
