package org.accountpurge.seed;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.accountpurge.seed.ReferenceTenant.Table;
import org.accountpurge.seed.KeycloakUserSpec;

/**
 * Generates the reference tenant deterministically from (users, orgs, seed): the same arguments always
 * give the same ids and rows. Dates are relative to a fixed instant so that "inactive for years" stays true.
 */
public final class TenantGenerator {

    static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

    private static final String[] FIRST = {"Aarav", "Diya", "Ishaan", "Kavya", "Rohan", "Ananya", "Vihaan", "Meera",
        "Arjun", "Saanvi", "Kabir", "Priya", "Aditya", "Nisha", "Rahul", "Tara", "Dev", "Lakshmi", "Nikhil", "Zara"};
    private static final String[] LAST = {"Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Khan", "Das",
        "Mehta", "Rao", "Singh", "Bose", "Joshi", "Pillai", "Verma", "Kulkarni"};
    private static final String[] CITIES = {"Pune", "Chennai", "Jaipur", "Kochi", "Bhopal", "Patna", "Indore"};
    private static final String[] COURSES = {"do_math_101", "do_sci_201", "do_eng_110", "do_hist_150", "do_cs_300"};

    private final int userCount;
    private final int orgCount;
    private final Random random;

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> docs = new LinkedHashMap<>();
    private final List<KeycloakUserSpec> kcUsers = new ArrayList<>();
    private final Map<String, List<String>> userKinds = new LinkedHashMap<>();
    private final Map<String, List<String>> orgKinds = new LinkedHashMap<>();

    private TenantGenerator(int users, int orgs, long seed) {
        if (users < 20 || orgs < 4) {
            throw new IllegalArgumentException("seed needs at least 20 users and 4 orgs (got " + users + ", " + orgs + ")");
        }
        this.userCount = users;
        this.orgCount = orgs;
        this.random = new Random(seed);
        for (String t : List.of("organisation", "users", "user_organisation", "user_external_identity",
                "user_lookup", "address", "course_batch", "user_courses", "user_course_progress", "user_skills",
                "user_badge_assertion", "user_job_profile", "user_education", "user_notes", "user_note_attachment",
                "org_external_identity", "content", "groups", "group_member")) {
            tables.put(t, new Table(columns(t), new ArrayList<>()));
        }
        ReferenceTenant.INDEXES.keySet().stream().sorted().forEach(i -> docs.put(i, new ArrayList<>()));
        for (String k : List.of("neverLoggedIn", "inactive", "active", "contentCreators", "batchCreators", "mentors",
                "orgAdmins", "groupOwners", "platformAdmins", "supportStaff", "managed", "noKeycloak",
                "noElasticsearch", "legacyStateCandidates")) {
            userKinds.put(k, new ArrayList<>());
        }
        for (String k : List.of("states", "schoolsWithMembers", "schoolsWithoutMembers", "legacyStateCandidates")) {
            orgKinds.put(k, new ArrayList<>());
        }
    }

    public static ReferenceTenant generate(int users, int orgs, long seed) {
        return new TenantGenerator(users, orgs, seed).build();
    }

    private static List<String> columns(String table) {
        return switch (table) {
            case "organisation" -> List.of("id", "name", "is_root", "root_org_id", "channel", "status", "created_at");
            case "users" -> List.of("id", "username", "first_name", "last_name", "email", "phone", "status",
                    "root_org_id", "managed_by", "created_at", "last_login_at");
            case "user_organisation" -> List.of("id", "user_id", "organisation_id", "roles", "joined_at");
            case "user_external_identity" -> List.of("provider", "external_id", "user_id");
            case "user_lookup" -> List.of("type", "value", "user_id");
            case "address" -> List.of("id", "user_id", "organisation_id", "line1", "city", "state", "zip");
            case "course_batch" -> List.of("id", "course_id", "name", "created_by", "mentors", "start_date");
            case "user_courses" -> List.of("id", "user_id", "batch_id", "course_id", "enrolled_at", "progress");
            case "user_course_progress" -> List.of("id", "user_course_id", "content_id", "completed_at");
            case "user_skills" -> List.of("id", "user_id", "skill_name", "endorsed_by");
            case "user_badge_assertion" -> List.of("id", "user_id", "badge_id", "issued_at");
            case "user_job_profile" -> List.of("id", "user_id", "job_name", "org_name");
            case "user_education" -> List.of("id", "user_id", "degree", "institution", "address_id");
            case "user_notes" -> List.of("id", "user_id", "course_id", "title", "note", "created_by", "updated_by",
                    "created_at");
            case "user_note_attachment" -> List.of("id", "note_id", "file_name");
            case "org_external_identity" -> List.of("provider", "external_id", "organisation_id");
            case "content" -> List.of("id", "name", "created_by", "status", "created_at");
            case "groups" -> List.of("id", "name", "created_by", "created_at");
            case "group_member" -> List.of("group_id", "user_id", "role");
            default -> throw new IllegalArgumentException(table);
        };
    }

    private record U(UUID id, UUID state, UUID school, boolean orgAdmin, boolean contentCreator,
                     boolean batchCreator, boolean mentor, boolean groupOwner) {
    }

    private ReferenceTenant build() {
        int states = Math.max(2, orgCount / 10);
        List<UUID> stateIds = new ArrayList<>();
        Map<UUID, List<UUID>> schoolsByState = new LinkedHashMap<>();
        for (int i = 0; i < orgCount; i++) {
            UUID id = uuid();
            boolean root = i < states;
            UUID state = root ? null : stateIds.get(i % states);
            String channel = "ST" + String.format("%02d", (root ? i : i % states) + 1);
            String name = root ? "State " + channel : "School " + (i + 1) + " of " + channel;
            add("organisation", id, name, root, state, channel, (short) 1, ts(daysAgo(3000 + random.nextInt(1000))));
            docs.get("organisation").add(doc(id, "orgName", name, "isRootOrg", root,
                    "rootOrgId", state == null ? null : state.toString(), "channel", channel));
            if (random.nextInt(3) == 0) {
                add("org_external_identity", "state-sso", "org-" + id.toString().substring(0, 8), id);
            }
            if (random.nextInt(2) == 0) {
                add("address", uuid(), null, id, (10 + random.nextInt(90)) + " Main Road",
                        CITIES[random.nextInt(CITIES.length)], channel, String.valueOf(400000 + random.nextInt(99999)));
            }
            if (root) {
                stateIds.add(id);
                orgKinds.get("states").add(id.toString());
                schoolsByState.put(id, new ArrayList<>());
            } else if (random.nextInt(4) == 0) {
                orgKinds.get("schoolsWithoutMembers").add(id.toString());
            } else {
                schoolsByState.get(state).add(id);
                orgKinds.get("schoolsWithMembers").add(id.toString());
            }
        }
        UUID legacyState = stateIds.get(0);

        List<U> users = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            UUID id = uuid();
            UUID state = stateIds.get(random.nextInt(states));
            List<UUID> schools = schoolsByState.get(state);
            UUID school = schools.isEmpty() || random.nextInt(10) == 0 ? null : schools.get(random.nextInt(schools.size()));
            users.add(new U(id, state, school, school != null && random.nextInt(33) == 0, random.nextInt(25) == 0,
                    random.nextInt(33) == 0, random.nextInt(25) == 0, random.nextInt(33) == 0));
        }

        if (users.stream().noneMatch(U::batchCreator)) {
            U first = users.get(0);
            users.set(0, new U(first.id, first.state, first.school, first.orgAdmin, first.contentCreator, true,
                    first.mentor, first.groupOwner));
        }
        List<UUID> batchIds = new ArrayList<>();
        List<U> mentors = users.stream().filter(U::mentor).toList();
        List<U> batchCreators = users.stream().filter(U::batchCreator).toList();
        for (U creator : batchCreators) {
            int n = 1 + random.nextInt(2);
            for (int b = 0; b < n; b++) {
                UUID batchId = uuid();
                batchIds.add(batchId);
                add("course_batch", batchId, COURSES[random.nextInt(COURSES.length)], "Batch " + batchIds.size(),
                        creator.id, new UUID[0], Date.valueOf(LocalDate.of(2020 + random.nextInt(6), 1 + random.nextInt(12), 1)));
            }
        }
        // every mentor mentors one or two batches (an array column: no foreign key)
        List<Object[]> batches = tables.get("course_batch").rows();
        for (U mentor : mentors) {
            for (int m = 0; m < 1 + random.nextInt(2) && !batches.isEmpty(); m++) {
                Object[] batch = batches.get(random.nextInt(batches.size()));
                UUID[] old = (UUID[]) batch[4];
                UUID[] now = java.util.Arrays.copyOf(old, old.length + 1);
                now[old.length] = mentor.id;
                batch[4] = java.util.Arrays.stream(now).distinct().toArray(UUID[]::new);
            }
        }

        for (int i = 0; i < users.size(); i++) {
            writeUser(i, users.get(i), users, batchIds, legacyState);
        }
        userKinds.values().forEach(list -> list.sort(null));
        orgKinds.values().forEach(list -> list.sort(null));
        return new ReferenceTenant(tables, docs, kcUsers, userKinds, orgKinds, legacyCleanupRows(legacyState));
    }

    private void writeUser(int index, U u, List<U> users, List<UUID> batchIds, UUID legacyState) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String username = (first + "." + last).toLowerCase() + "." + (index + 1);
        String email = username + "@mail.example.org";
        String phone = random.nextInt(10) < 7 ? "+91" + (9000000000L + random.nextInt(999999999)) : null;
        int activity = random.nextInt(100);
        Instant created = daysAgo(400 + random.nextInt(2600));
        Instant lastLogin;
        String kind;
        if (activity < 30) {
            lastLogin = null;
            kind = "neverLoggedIn";
        } else if (activity < 60) {
            lastLogin = daysAgo(730 + random.nextInt(1500));
            kind = "inactive";
        } else {
            lastLogin = daysAgo(random.nextInt(90));
            kind = "active";
        }
        if (lastLogin != null && lastLogin.isBefore(created)) {
            created = lastLogin.minus(30, ChronoUnit.DAYS);
        }
        String id = u.id.toString();
        userKinds.get(kind).add(id);
        UUID managedBy = index > 10 && random.nextInt(10) == 0 ? users.get(random.nextInt(index)).id : null;
        if (managedBy != null) {
            userKinds.get("managed").add(id);
        }
        short status = (short) (kind.equals("active") || random.nextInt(2) == 0 ? 1 : 0);
        add("users", u.id, username, first, last, email, phone, status, u.state, managedBy, ts(created), ts(lastLogin));

        if (u.school != null) {
            add("user_organisation", uuid(), u.id, u.school,
                    u.orgAdmin ? new String[] {"PUBLIC", "ORG_ADMIN"} : new String[] {"PUBLIC"}, ts(created));
        }
        if (u.orgAdmin) {
            userKinds.get("orgAdmins").add(id);
        }
        if (random.nextInt(2) == 0) {
            add("user_external_identity", "state-sso", "ext-" + id.substring(0, 13), u.id);
        }
        add("user_lookup", "email", email, u.id);
        add("user_lookup", "username", username, u.id);
        if (phone != null) {
            add("user_lookup", "phone", phone, u.id);
        }
        UUID addressId = null;
        if (random.nextInt(10) < 6) {
            addressId = uuid();
            add("address", addressId, u.id, null, (1 + random.nextInt(200)) + " Lake View",
                    CITIES[random.nextInt(CITIES.length)], "ST", String.valueOf(400000 + random.nextInt(99999)));
        }
        boolean inEs = random.nextInt(20) != 0;
        boolean inKc = random.nextInt(20) != 0;
        List<UUID> enrolments = new ArrayList<>();
        for (int c = random.nextInt(5); c > 0; c--) {
            UUID enrolment = uuid();
            enrolments.add(enrolment);
            UUID batch = batchIds.isEmpty() || random.nextBoolean() ? null : batchIds.get(random.nextInt(batchIds.size()));
            String course = COURSES[random.nextInt(COURSES.length)];
            short progress = (short) random.nextInt(101);
            add("user_courses", enrolment, u.id, batch, course, ts(created.plus(5, ChronoUnit.DAYS)), progress);
            add("user_course_progress", uuid(), enrolment, "do_content_" + random.nextInt(500),
                    progress == 100 ? ts(created.plus(40, ChronoUnit.DAYS)) : null);
            if (inEs) {
                docs.get("usercourses").add(doc(enrolment, "userId", id, "courseId", course,
                        "batchId", batch == null ? null : batch.toString(), "progress", progress));
            }
        }
        for (int s = random.nextInt(4); s > 0; s--) {
            UUID endorser = random.nextInt(10) < 3 ? users.get(random.nextInt(users.size())).id : null;
            add("user_skills", uuid(), u.id, "skill-" + random.nextInt(40), endorser);
        }
        for (int b = random.nextInt(3); b > 0; b--) {
            add("user_badge_assertion", uuid(), u.id, "badge-" + random.nextInt(30), ts(created.plus(60, ChronoUnit.DAYS)));
        }
        if (random.nextInt(3) == 0) {
            add("user_job_profile", uuid(), u.id, "Teacher", "School board");
        }
        for (int e = random.nextInt(3); e > 0; e--) {
            add("user_education", uuid(), u.id, "B.Ed", "University " + random.nextInt(50),
                    addressId != null && random.nextBoolean() ? addressId : null);
        }
        for (int n = random.nextInt(4); n > 0; n--) {
            UUID note = uuid();
            String course = COURSES[random.nextInt(COURSES.length)];
            UUID editor = random.nextInt(10) < 3 ? users.get(random.nextInt(users.size())).id : null;
            String title = "Notes on " + course;
            add("user_notes", note, u.id, course, title, "Private note of " + first + " " + last, u.id, editor,
                    ts(created.plus(20, ChronoUnit.DAYS)));
            if (random.nextInt(3) == 0) {
                add("user_note_attachment", uuid(), note, "attachment-" + random.nextInt(1000) + ".pdf");
            }
            if (inEs) {
                docs.get("usernotes").add(doc(note, "userId", id, "courseId", course, "title", title));
            }
        }
        if (u.contentCreator) {
            userKinds.get("contentCreators").add(id);
            for (int c = 1 + random.nextInt(3); c > 0; c--) {
                add("content", uuid(), "Lesson " + random.nextInt(1000), u.id, "Live", ts(created.plus(90, ChronoUnit.DAYS)));
            }
        }
        if (u.batchCreator) {
            userKinds.get("batchCreators").add(id);
        }
        if (u.mentor) {
            userKinds.get("mentors").add(id);
        }
        if (u.groupOwner) {
            userKinds.get("groupOwners").add(id);
            UUID group = uuid();
            add("groups", group, "Study group " + (index + 1), u.id, ts(created.plus(10, ChronoUnit.DAYS)));
            add("group_member", group, u.id, "owner");
            // a few members from earlier users, some of them admins
            java.util.Set<UUID> members = new java.util.HashSet<>();
            for (int m = random.nextInt(4); m > 0 && index > 0; m--) {
                UUID member = users.get(random.nextInt(index)).id;
                if (members.add(member) && !member.equals(u.id)) {
                    add("group_member", group, member, random.nextInt(4) == 0 ? "admin" : "member");
                }
            }
        }
        boolean platformAdmin = random.nextInt(100) == 0;
        boolean support = random.nextInt(100) == 0;
        if (inEs) {
            docs.get("user").add(doc(u.id, "userId", id, "userName", username, "firstName", first, "lastName", last,
                    "email", email, "phone", phone, "rootOrgId", u.state.toString(), "status", status,
                    "lastLoginAt", lastLogin == null ? null : lastLogin.toString()));
            docs.get("userprofilevisibility").add(doc(u.id, "userId", id, "email", "private", "phone", "private",
                    "address", random.nextBoolean() ? "public" : "private"));
        } else {
            userKinds.get("noElasticsearch").add(id);
        }
        if (inKc) {
            kcUsers.add(new KeycloakUserSpec(id, username, email, first, last, status == 1,
                    Map.of("platformUserId", List.of(id), "rootOrgId", List.of(u.state.toString())),
                    platformAdmin ? List.of(ReferenceTenant.KC_ROLE_PLATFORM_ADMIN) : List.of(),
                    support ? List.of(ReferenceTenant.KC_GROUP_SUPPORT) : List.of()));
            if (platformAdmin) {
                userKinds.get("platformAdmins").add(id);
            }
            if (support) {
                userKinds.get("supportStaff").add(id);
            }
        } else {
            userKinds.get("noKeycloak").add(id);
        }
        if (u.state.equals(legacyState) && !kind.equals("active")) {
            userKinds.get("legacyStateCandidates").add(id);
        }
    }

    /** The one-off cleanup of the legacy state: its never-logged-in and inactive users, and its orgs. */
    private List<String[]> legacyCleanupRows(UUID legacyState) {
        List<String[]> rows = new ArrayList<>();
        for (String id : userKinds.get("legacyStateCandidates")) {
            rows.add(new String[] {id, "user"});
        }
        for (Object[] org : tables.get("organisation").rows()) {
            UUID id = (UUID) org[0];
            if (id.equals(legacyState) || legacyState.equals(org[3])) {
                rows.add(new String[] {id.toString(), "org"});
                orgKinds.get("legacyStateCandidates").add(id.toString());
            }
        }
        orgKinds.get("legacyStateCandidates").sort(null);
        return rows;
    }

    private void add(String table, Object... values) {
        tables.get(table).rows().add(values);
    }

    private static Map<String, Object> doc(UUID id, Object... fields) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("_id", id.toString());
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                doc.put((String) fields[i], fields[i + 1]);
            }
        }
        return doc;
    }

    private UUID uuid() {
        long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private Instant daysAgo(int days) {
        return NOW.minus(days, ChronoUnit.DAYS).plusSeconds(random.nextInt(86400));
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
