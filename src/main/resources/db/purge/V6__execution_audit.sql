-- Who started each execution and why (--initiator, default the OS user; --reason, required for CSV runs), with the
-- command and the process, next to the configuration file and its checksum it ran with. The input's checksum is the
-- run's job parameter input.sha256.
ALTER TABLE purge.execution_config
	ADD COLUMN initiator TEXT,
	ADD COLUMN reason    TEXT,
	ADD COLUMN command   TEXT,
	ADD COLUMN process   TEXT;
