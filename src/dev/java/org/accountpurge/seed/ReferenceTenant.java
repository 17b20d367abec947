package org.accountpurge.seed;

import java.util.List;
import java.util.Map;
import org.accountpurge.seed.KeycloakUserSpec;

/**
 * A generated reference tenant: rows per table (in insert order), documents per index, realm users,
 * and which ids are which kind (the manifest's id lists).
 */
public record ReferenceTenant(
        Map<String, Table> tables,
        Map<String, List<Map<String, Object>>> documents,
        List<KeycloakUserSpec> keycloakUsers,
        Map<String, List<String>> userIdsByKind,
        Map<String, List<String>> orgIdsByKind,
        List<String[]> legacyCleanupRows) {

    public static final String REALM = "learning-portal";
    public static final String PURGE_CLIENT_ID = "account-purge";
    public static final String KC_ROLE_PLATFORM_ADMIN = "platform_admin";
    public static final String KC_GROUP_SUPPORT = "support-staff";

    /** Index name to field types of its mapping. */
    public static final Map<String, Map<String, String>> INDEXES = Map.of(
            "user", Map.of("userId", "keyword", "userName", "keyword", "firstName", "text", "lastName", "text",
                    "email", "keyword", "phone", "keyword", "rootOrgId", "keyword", "status", "long",
                    "lastLoginAt", "date"),
            "userprofilevisibility", Map.of("userId", "keyword", "email", "keyword", "phone", "keyword",
                    "address", "keyword"),
            "usercourses", Map.of("userId", "keyword", "courseId", "keyword", "batchId", "keyword",
                    "progress", "long"),
            "usernotes", Map.of("userId", "keyword", "courseId", "keyword", "title", "text"),
            "organisation", Map.of("orgName", "text", "isRootOrg", "boolean", "rootOrgId", "keyword",
                    "channel", "keyword"));

    public record Table(List<String> columns, List<Object[]> rows) {
    }
}
