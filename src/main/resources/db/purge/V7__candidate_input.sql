-- Loading candidates fast (issue "Performance"): the load step appends the input's accepted rows to
-- purge.candidate_input with COPY (no lookup per row); the next step, freezeCandidates, moves them into
-- purge.candidate in one statement sorted by account id (the first line of an account wins, later ones are
-- rejected as duplicates) and empties the run's rows here. Inserting a run's ids in random order into
-- purge.candidate's primary key cost more than everything else of a 1M-line load.
CREATE TABLE IF NOT EXISTS purge.candidate_input (
	run_id      BIGINT NOT NULL,  -- job instance id
	row_no      BIGINT NOT NULL,  -- line of the input file
	kind        TEXT NOT NULL,
	account_id  TEXT NOT NULL,    -- normalised id
	PRIMARY KEY (run_id, row_no)
);

-- Reads of a state page through the primary key (run, kind, account id) with a filter; only FAILED is looked up
-- often (the failure limit after every chunk with a refusal). One index less to keep up on every insert and update.
DROP INDEX IF EXISTS purge.candidate_state_idx;
CREATE INDEX IF NOT EXISTS candidate_failed_idx ON purge.candidate (run_id, kind) WHERE state = 'FAILED';
