-- The grace lifecycle of the nightly purge (purge.selection.lifecycle): where each account of a selection stands —
-- WARNED (a notice was queued), DISABLED (its Keycloak user disabled, data kept), PURGED, or CANCELLED (activity,
-- retention or a re-enabled user ended the cycle; a later night may start a new one) — with the dates and runs.
CREATE TABLE purge.lifecycle (
	selection      TEXT NOT NULL,
	kind           TEXT NOT NULL,
	account_id     TEXT NOT NULL,
	state          TEXT NOT NULL,                   -- WARNED | DISABLED | PURGED | CANCELLED
	warned_on      DATE,
	warned_run     BIGINT,
	disabled_on    DATE,
	disabled_run   BIGINT,
	purged_on      DATE,
	purged_run     BIGINT,
	cancelled_on   DATE,
	cancelled_run  BIGINT,
	reason         TEXT,                            -- why a cycle was cancelled
	PRIMARY KEY (selection, kind, account_id)
);

COMMENT ON COLUMN purge.candidate.state IS 'PENDING | RETAINED | PURGED | NOT_FOUND | FAILED | WARNED | DISABLED';
