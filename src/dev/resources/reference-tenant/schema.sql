-- Reference tenant: a state-run learning platform. Real foreign keys, as the purge reads them from the catalog.
-- Root organisations are states; sub-organisations (schools) point at their state through root_org_id.
CREATE TABLE organisation (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    is_root       boolean NOT NULL,
    root_org_id   uuid REFERENCES organisation (id),          -- self-reference: school -> state
    channel       text NOT NULL,                              -- state code
    status        smallint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL
);
CREATE INDEX organisation_root_org_id_idx ON organisation (root_org_id);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    first_name    text NOT NULL,
    last_name     text,
    email         text,
    phone         text,
    status        smallint NOT NULL,                          -- 1 active, 0 inactive
    root_org_id   uuid NOT NULL REFERENCES organisation (id),
    managed_by    uuid REFERENCES users (id),                 -- self-reference: managed (child) accounts
    created_at    timestamptz NOT NULL,
    last_login_at timestamptz
);
CREATE INDEX users_root_org_id_idx ON users (root_org_id);
CREATE INDEX users_managed_by_idx ON users (managed_by);
CREATE INDEX users_last_login_at_idx ON users (last_login_at);

CREATE TABLE user_organisation (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id),
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    roles           text[] NOT NULL DEFAULT '{}',             -- e.g. {PUBLIC}, {ORG_ADMIN}
    joined_at       timestamptz NOT NULL
);
CREATE INDEX user_organisation_user_id_idx ON user_organisation (user_id);
CREATE INDEX user_organisation_organisation_id_idx ON user_organisation (organisation_id);

CREATE TABLE user_external_identity (
    provider      text NOT NULL,
    external_id   text NOT NULL,
    user_id       uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (provider, external_id)
);
CREATE INDEX user_external_identity_user_id_idx ON user_external_identity (user_id);

-- What must be freed so the email, phone or username can register again.
CREATE TABLE user_lookup (
    type          text NOT NULL,                              -- email | phone | username
    value         text NOT NULL,
    user_id       uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (type, value)
);
CREATE INDEX user_lookup_user_id_idx ON user_lookup (user_id);

CREATE TABLE address (
    id              uuid PRIMARY KEY,
    user_id         uuid REFERENCES users (id),
    organisation_id uuid REFERENCES organisation (id),
    line1           text NOT NULL,
    city            text NOT NULL,
    state           text NOT NULL,
    zip             text,
    CHECK (user_id IS NOT NULL OR organisation_id IS NOT NULL)
);
CREATE INDEX address_user_id_idx ON address (user_id);
CREATE INDEX address_organisation_id_idx ON address (organisation_id);

CREATE TABLE course_batch (
    id            uuid PRIMARY KEY,
    course_id     text NOT NULL,
    name          text NOT NULL,
    created_by    uuid NOT NULL REFERENCES users (id),
    mentors       uuid[] NOT NULL DEFAULT '{}',               -- no foreign key: a retention rule covers it
    start_date    date NOT NULL
);
CREATE INDEX course_batch_created_by_idx ON course_batch (created_by);

CREATE TABLE user_courses (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    batch_id      uuid REFERENCES course_batch (id),
    course_id     text NOT NULL,
    enrolled_at   timestamptz NOT NULL,
    progress      smallint NOT NULL DEFAULT 0
);
CREATE INDEX user_courses_user_id_idx ON user_courses (user_id);
CREATE INDEX user_courses_batch_id_idx ON user_courses (batch_id);

-- Reaches a user only through user_courses (multi-level path).
CREATE TABLE user_course_progress (
    id             uuid PRIMARY KEY,
    user_course_id uuid NOT NULL REFERENCES user_courses (id),
    content_id     text NOT NULL,
    completed_at   timestamptz
);
CREATE INDEX user_course_progress_user_course_id_idx ON user_course_progress (user_course_id);

CREATE TABLE user_skills (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    skill_name    text NOT NULL,
    endorsed_by   uuid REFERENCES users (id)                  -- another user; nullable
);
CREATE INDEX user_skills_user_id_idx ON user_skills (user_id);
CREATE INDEX user_skills_endorsed_by_idx ON user_skills (endorsed_by);

CREATE TABLE user_badge_assertion (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    badge_id      text NOT NULL,
    issued_at     timestamptz NOT NULL
);
CREATE INDEX user_badge_assertion_user_id_idx ON user_badge_assertion (user_id);

CREATE TABLE user_job_profile (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    job_name      text NOT NULL,
    org_name      text
);
CREATE INDEX user_job_profile_user_id_idx ON user_job_profile (user_id);

CREATE TABLE user_education (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    degree        text NOT NULL,
    institution   text NOT NULL,
    address_id    uuid REFERENCES address (id)                -- nullable; reaches users through address too
);
CREATE INDEX user_education_user_id_idx ON user_education (user_id);
CREATE INDEX user_education_address_id_idx ON user_education (address_id);

CREATE TABLE user_notes (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    course_id     text NOT NULL,
    title         text NOT NULL,
    note          text NOT NULL,
    created_by    uuid REFERENCES users (id),
    updated_by    uuid REFERENCES users (id),                 -- nullable: someone else may have edited it
    created_at    timestamptz NOT NULL
);
CREATE INDEX user_notes_user_id_idx ON user_notes (user_id);
CREATE INDEX user_notes_created_by_idx ON user_notes (created_by);
CREATE INDEX user_notes_updated_by_idx ON user_notes (updated_by);

-- Reaches a user only through user_notes (multi-level path).
CREATE TABLE user_note_attachment (
    id            uuid PRIMARY KEY,
    note_id       uuid NOT NULL REFERENCES user_notes (id),
    file_name     text NOT NULL
);
CREATE INDEX user_note_attachment_note_id_idx ON user_note_attachment (note_id);

CREATE TABLE org_external_identity (
    provider        text NOT NULL,
    external_id     text NOT NULL,
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    PRIMARY KEY (provider, external_id)
);
CREATE INDEX org_external_identity_organisation_id_idx ON org_external_identity (organisation_id);

CREATE TABLE content (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    created_by    uuid NOT NULL REFERENCES users (id),
    status        text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX content_created_by_idx ON content (created_by);

CREATE TABLE groups (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    created_by    uuid REFERENCES users (id),
    created_at    timestamptz NOT NULL
);
CREATE INDEX groups_created_by_idx ON groups (created_by);

CREATE TABLE group_member (
    group_id      uuid NOT NULL REFERENCES groups (id),
    user_id       uuid NOT NULL REFERENCES users (id),
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_member_user_id_idx ON group_member (user_id);
