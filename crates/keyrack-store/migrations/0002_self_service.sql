-- Failed logins per client address, per tenant: the second throttle beside the per-account
-- counter on logins, kept in the database so that it holds across several Keyrack nodes.
CREATE TABLE address_failures (
    tenant_id        TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    address          TEXT NOT NULL,
    failures         INTEGER NOT NULL,
    last_failure_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, address)
);
