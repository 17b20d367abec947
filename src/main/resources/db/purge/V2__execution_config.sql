-- The job configuration each execution ran with: a restart with a changed configuration is refused unless the
-- operator says so (--config-changed), and then the change is on record here.
CREATE TABLE purge.execution_config (
	job_execution_id BIGINT PRIMARY KEY,
	run_id           BIGINT NOT NULL,                 -- job instance id
	config_file      TEXT NOT NULL,
	config_sha256    TEXT NOT NULL,
	changed          BOOLEAN NOT NULL DEFAULT false,  -- differs from the run's previous execution (accepted by the operator)
	recorded_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX execution_config_run_idx ON purge.execution_config (run_id, job_execution_id);

-- A candidate that no store knew (every target absent) ends NOT_FOUND, not PURGED.
COMMENT ON COLUMN purge.candidate.state IS 'PENDING | RETAINED | PURGED | NOT_FOUND';
