-- What an account handed over as it left (issue 26): the rows of a reassign edge and who they went to, the groups a
-- promotion gave a new admin. Written in the chunk's transaction with the step log, so it is true after a crash.
CREATE TABLE IF NOT EXISTS purge.handover (
    id               bigserial   PRIMARY KEY,
    run_id           bigint      NOT NULL,
    job_execution_id bigint      NOT NULL,
    kind             text        NOT NULL,
    account_id       text        NOT NULL, -- the account leaving (hashed with the step log under purge.audit)
    target           text        NOT NULL, -- the reassign edge (table.column) or the promotion's name
    item             text,                 -- the group a promotion handed over; null for a reassign edge
    successor        text        NOT NULL, -- the account that now holds the rows, or the group's new admin
    count            bigint      NOT NULL, -- rows (a reassign) or 1 (a group)
    logged_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS handover_account_idx ON purge.handover (run_id, kind, account_id);
COMMENT ON TABLE purge.handover IS 'what each purged account handed over, and to whom (reassigned rows, promoted groups)';
