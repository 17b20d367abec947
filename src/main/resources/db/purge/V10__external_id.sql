-- The ids an account had in a store that the tenant database maps (Keycloak users matched with user-match: database),
-- recorded when the purge removes them: the rows that map them go with the account, and without this record the
-- verification could not look those users up again.
CREATE TABLE IF NOT EXISTS purge.external_id (
    kind        text        NOT NULL,
    account_id  text        NOT NULL,
    store       text        NOT NULL,
    target      text        NOT NULL,
    external_id text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, target, kind, account_id, external_id)
);
COMMENT ON TABLE purge.external_id IS 'ids of purged accounts in stores the tenant database maps (Keycloak by database)';
