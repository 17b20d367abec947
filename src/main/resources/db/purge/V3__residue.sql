-- What the verification after a purge (and the verify command) found still there of an account the run purged:
-- per account, store and target, how many rows, documents or users. Such an account is marked FAILED.
CREATE TABLE purge.residue (
	run_id           BIGINT NOT NULL,                 -- job instance id
	job_execution_id BIGINT NOT NULL,
	kind             TEXT NOT NULL,
	account_id       TEXT NOT NULL,
	store            TEXT NOT NULL,
	target           TEXT NOT NULL,
	count            BIGINT NOT NULL,
	found_at         TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX residue_run_idx ON purge.residue (run_id, kind, account_id);

COMMENT ON COLUMN purge.candidate.state IS 'PENDING | RETAINED | PURGED | NOT_FOUND | FAILED';
