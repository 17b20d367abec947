-- A run's blast-radius guard (purge.guard) that an operator overrode knowingly (--override-guard): per execution
-- and kind, how many candidates against how many accounts in scope, and the limits exceeded.
CREATE TABLE purge.guard_override (
	run_id           BIGINT NOT NULL,                 -- job instance id
	job_execution_id BIGINT NOT NULL,
	kind             TEXT NOT NULL,
	candidates       BIGINT NOT NULL,
	scope            BIGINT NOT NULL,
	exceeded         TEXT NOT NULL,
	overridden_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX guard_override_run_idx ON purge.guard_override (run_id);
