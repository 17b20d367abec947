-- The purge's own bookkeeping, in schema "purge" next to the tenant's tables (never read as part of the tenant:
-- the foreign-key catalog is read for the configured tenant schema only). Applied once by Flyway; written with
-- IF NOT EXISTS so that a schema made by versions before Flyway (baselined at version 0) is taken over as it is.
-- (Flyway creates schema purge itself: spring.flyway.schemas)

-- Spring Batch 6 job repository (org/springframework/batch/core/schema-postgresql.sql with prefix purge.BATCH_).
CREATE TABLE IF NOT EXISTS purge.BATCH_JOB_INSTANCE (
	JOB_INSTANCE_ID BIGINT NOT NULL PRIMARY KEY,
	VERSION BIGINT,
	JOB_NAME VARCHAR(100) NOT NULL,
	JOB_KEY VARCHAR(32) NOT NULL,
	constraint JOB_INST_UN unique (JOB_NAME, JOB_KEY)
);
CREATE TABLE IF NOT EXISTS purge.BATCH_JOB_EXECUTION (
	JOB_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	VERSION BIGINT,
	JOB_INSTANCE_ID BIGINT NOT NULL,
	CREATE_TIME TIMESTAMP NOT NULL,
	START_TIME TIMESTAMP DEFAULT NULL,
	END_TIME TIMESTAMP DEFAULT NULL,
	STATUS VARCHAR(10),
	EXIT_CODE VARCHAR(2500),
	EXIT_MESSAGE VARCHAR(2500),
	LAST_UPDATED TIMESTAMP,
	constraint JOB_INST_EXEC_FK foreign key (JOB_INSTANCE_ID) references purge.BATCH_JOB_INSTANCE(JOB_INSTANCE_ID)
);
CREATE TABLE IF NOT EXISTS purge.BATCH_JOB_EXECUTION_PARAMS (
	JOB_EXECUTION_ID BIGINT NOT NULL,
	PARAMETER_NAME VARCHAR(100) NOT NULL,
	PARAMETER_TYPE VARCHAR(100) NOT NULL,
	PARAMETER_VALUE VARCHAR(2500),
	IDENTIFYING CHAR(1) NOT NULL,
	constraint JOB_EXEC_PARAMS_FK foreign key (JOB_EXECUTION_ID) references purge.BATCH_JOB_EXECUTION(JOB_EXECUTION_ID)
);
CREATE TABLE IF NOT EXISTS purge.BATCH_STEP_EXECUTION (
	STEP_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	VERSION BIGINT NOT NULL,
	STEP_NAME VARCHAR(100) NOT NULL,
	JOB_EXECUTION_ID BIGINT NOT NULL,
	CREATE_TIME TIMESTAMP NOT NULL,
	START_TIME TIMESTAMP DEFAULT NULL,
	END_TIME TIMESTAMP DEFAULT NULL,
	STATUS VARCHAR(10),
	COMMIT_COUNT BIGINT,
	READ_COUNT BIGINT,
	FILTER_COUNT BIGINT,
	WRITE_COUNT BIGINT,
	READ_SKIP_COUNT BIGINT,
	WRITE_SKIP_COUNT BIGINT,
	PROCESS_SKIP_COUNT BIGINT,
	ROLLBACK_COUNT BIGINT,
	EXIT_CODE VARCHAR(2500),
	EXIT_MESSAGE VARCHAR(2500),
	LAST_UPDATED TIMESTAMP,
	constraint JOB_EXEC_STEP_FK foreign key (JOB_EXECUTION_ID) references purge.BATCH_JOB_EXECUTION(JOB_EXECUTION_ID)
);
CREATE TABLE IF NOT EXISTS purge.BATCH_STEP_EXECUTION_CONTEXT (
	STEP_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	SHORT_CONTEXT VARCHAR(2500) NOT NULL,
	SERIALIZED_CONTEXT TEXT,
	constraint STEP_EXEC_CTX_FK foreign key (STEP_EXECUTION_ID) references purge.BATCH_STEP_EXECUTION(STEP_EXECUTION_ID)
);
CREATE TABLE IF NOT EXISTS purge.BATCH_JOB_EXECUTION_CONTEXT (
	JOB_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	SHORT_CONTEXT VARCHAR(2500) NOT NULL,
	SERIALIZED_CONTEXT TEXT,
	constraint JOB_EXEC_CTX_FK foreign key (JOB_EXECUTION_ID) references purge.BATCH_JOB_EXECUTION(JOB_EXECUTION_ID)
);
CREATE SEQUENCE IF NOT EXISTS purge.BATCH_STEP_EXECUTION_SEQ MAXVALUE 9223372036854775807 NO CYCLE;
CREATE SEQUENCE IF NOT EXISTS purge.BATCH_JOB_EXECUTION_SEQ MAXVALUE 9223372036854775807 NO CYCLE;
CREATE SEQUENCE IF NOT EXISTS purge.BATCH_JOB_INSTANCE_SEQ MAXVALUE 9223372036854775807 NO CYCLE;

-- The accepted candidates of a run (job instance), frozen by the load step; a restart works on exactly this set.
CREATE TABLE IF NOT EXISTS purge.candidate (
	run_id      BIGINT NOT NULL,                 -- job instance id
	kind        TEXT NOT NULL,                   -- user | org
	account_id  TEXT NOT NULL,                   -- normalised id
	row_no      BIGINT NOT NULL,                 -- line of the input file
	state       TEXT NOT NULL DEFAULT 'PENDING', -- PENDING | RETAINED | PURGED | NOT_FOUND (V2)
	PRIMARY KEY (run_id, kind, account_id)
);
CREATE INDEX IF NOT EXISTS candidate_state_idx ON purge.candidate (run_id, kind, state, account_id);

-- Input rows that were not accepted, with the reason (never the row's content, which may hold personal data).
CREATE TABLE IF NOT EXISTS purge.rejected_row (
	run_id      BIGINT NOT NULL,
	row_no      BIGINT NOT NULL,
	reason      TEXT NOT NULL,
	PRIMARY KEY (run_id, row_no)
);

-- Every reason an account was retained (never touched in any store).
CREATE TABLE IF NOT EXISTS purge.retention (
	run_id      BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	account_id  TEXT NOT NULL,
	reason      TEXT NOT NULL,
	PRIMARY KEY (run_id, kind, account_id, reason)
);

-- What each store did for each account and target: the audit trail of a run, across its executions.
CREATE TABLE IF NOT EXISTS purge.step_log (
	id               BIGSERIAL PRIMARY KEY,
	run_id           BIGINT NOT NULL,
	job_execution_id BIGINT NOT NULL,
	kind             TEXT NOT NULL,
	account_id       TEXT NOT NULL,
	store            TEXT NOT NULL,              -- postgres | elasticsearch | keycloak
	target           TEXT NOT NULL,              -- table, table.column (set-null), index, realm; * for STARTED
	action           TEXT NOT NULL,              -- STARTED | DELETED | NULLED | DISABLED | ABSENT | FAILED
	count            BIGINT NOT NULL,
	error_class      TEXT,
	logged_at        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS step_log_account_idx ON purge.step_log (run_id, kind, account_id);
