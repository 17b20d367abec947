package org.accountpurge.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.accountpurge.stack.StackEndpoints;

/**
 * A tenant nobody tuned the purge for: a case-management application with bigint ids, no organisations, its own
 * table of identity-provider links, and 40 people. Person i owns case i (assigned to person i+1, with a note by
 * person i+2); person 5 approved a case (protected by the FK), person 7 is an administrator (a SQL rule).
 * Each test gets the tenant afresh in a database of its own on the test stack's PostgreSQL.
 */
public final class CaseFilesTenant {

    public static final int PEOPLE = 40;
    public static final long APPROVER = 5;
    public static final long ADMIN = 7;

    public static final String SCHEMA = """
            CREATE TABLE person (id bigint PRIMARY KEY, handle text NOT NULL UNIQUE, email text, is_admin boolean NOT NULL DEFAULT false);
            CREATE TABLE person_identity (id bigserial PRIMARY KEY, person_id bigint NOT NULL REFERENCES person(id),
                provider text NOT NULL, external_id text NOT NULL);
            CREATE TABLE case_file (id bigint PRIMARY KEY, owner_id bigint NOT NULL REFERENCES person(id),
                assignee_id bigint REFERENCES person(id), title text);
            CREATE TABLE case_note (id bigserial PRIMARY KEY, case_id bigint NOT NULL REFERENCES case_file(id),
                author_id bigint REFERENCES person(id), body text);
            CREATE TABLE approval (id bigserial PRIMARY KEY, approver_id bigint NOT NULL REFERENCES person(id),
                case_id bigint REFERENCES case_file(id));
            CREATE INDEX ON person_identity (person_id);
            CREATE INDEX ON case_file (owner_id);
            CREATE INDEX ON case_file (assignee_id);
            CREATE INDEX ON case_note (case_id);
            CREATE INDEX ON case_note (author_id);
            CREATE INDEX ON approval (approver_id);
            CREATE INDEX ON approval (case_id);
            """;

    private final String database;
    private final StackEndpoints stack;
    /** person id to its Keycloak user id (people with a Keycloak identity) */
    private final Map<Long, String> keycloakIds = new LinkedHashMap<>();

    private CaseFilesTenant(String database, StackEndpoints stack) {
        this.database = database;
        this.stack = stack;
    }

    /** (Re)creates the database {@code name} with the schema and the people; person ids in {@code noKeycloak} get no link. */
    public static CaseFilesTenant create(StackEndpoints stack, String name, List<Long> noKeycloak) throws SQLException {
        CaseFilesTenant tenant = new CaseFilesTenant(name, stack);
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl().replaceFirst("/[^/]+$", "/postgres"),
                stack.jdbcUser(), stack.jdbcPassword()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        try (Connection c = tenant.connection(); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
            for (long i = 1; i <= PEOPLE; i++) {
                s.execute("INSERT INTO person VALUES (" + i + ", 'handle-" + i + "', 'person" + i + "@example.org', "
                        + (i == ADMIN) + ")");
                if (!noKeycloak.contains(i)) {
                    String kc = UUID.randomUUID().toString();
                    tenant.keycloakIds.put(i, kc);
                    s.execute("INSERT INTO person_identity (person_id, provider, external_id) VALUES (" + i
                            + ", 'keycloak', '" + kc + "')");
                }
                s.execute("INSERT INTO person_identity (person_id, provider, external_id) VALUES (" + i
                        + ", 'github', 'gh-" + i + "')");
            }
            for (long i = 1; i <= PEOPLE; i++) {
                s.execute("INSERT INTO case_file VALUES (" + i + ", " + i + ", " + next(i, 1) + ", 'case " + i + "')");
                s.execute("INSERT INTO case_note (case_id, author_id, body) VALUES (" + i + ", " + next(i, 2)
                        + ", 'note')");
            }
            s.execute("INSERT INTO approval (approver_id, case_id) VALUES (" + APPROVER + ", 30)");
        }
        return tenant;
    }

    private static long next(long i, int by) {
        return (i - 1 + by) % PEOPLE + 1;
    }

    public Connection connection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    }

    public String jdbcUrl() {
        return stack.jdbcUrl().replaceFirst("/[^/]+$", "/" + database);
    }

    public Map<Long, String> keycloakIds() {
        return keycloakIds;
    }

    /** The PURGE_* values of a job configuration pointing at this tenant's database. */
    public Map<String, Object> databaseProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("PURGE_PG_URL", jdbcUrl());
        p.put("PURGE_PG_USER", stack.jdbcUser());
        p.put("PURGE_PG_PASSWORD", stack.jdbcPassword());
        return p;
    }

    public List<Long> ids(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = connection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    public List<String> texts(String sql) throws SQLException {
        List<String> texts = new ArrayList<>();
        try (Connection c = connection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                texts.add(rs.getString(1));
            }
        }
        return texts;
    }

    public long count(String sql) throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
