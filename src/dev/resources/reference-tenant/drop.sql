DROP TABLE IF EXISTS group_member, groups, content, org_external_identity, user_note_attachment, user_notes,
    user_education, user_job_profile, user_badge_assertion, user_skills, user_course_progress, user_courses,
    course_batch, address, user_lookup, user_external_identity, user_organisation, users, organisation CASCADE;
