-- The identity of this job repository (this database's purge schema): a random id made once. Report folders are
-- written under <report-directory>/<database>-<first 8 characters of it>/, so that two tenants sharing a report
-- directory never write into each other's run-R-execution-E folder (both have a run 1).
CREATE TABLE IF NOT EXISTS purge.repository (
    id         uuid        PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    one_row    boolean     NOT NULL DEFAULT true UNIQUE CHECK (one_row)
);
INSERT INTO purge.repository (id)
SELECT md5(random()::text || clock_timestamp()::text || current_database())::uuid
 WHERE NOT EXISTS (SELECT 1 FROM purge.repository);
COMMENT ON TABLE purge.repository IS 'one row: the id of this job repository, part of its report folders'' path';
