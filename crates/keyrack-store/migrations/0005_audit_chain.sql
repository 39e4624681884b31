-- Audit integrity: each tenant's events form a hash chain (seq, prev_hash, hash), so that a
-- changed, removed or reordered row is found by `keyrack audit verify`.
--
-- The personal fields (the actor's and the subject's names and the before/after values) are
-- not hashed directly: the chain covers a salted digest of them. Deleting a person blanks the
-- fields and the salt and keeps the digest, so the chain still verifies and the digest cannot
-- be matched against guessed names.
--
-- Events written before this version have no link yet; they are chained in their (at, id)
-- order, under the tenant's chain head, before that tenant's first new event is appended (or
-- by `keyrack audit verify`), because SQL alone cannot compute SHA-256 on both databases.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
ALTER TABLE audit_events ADD COLUMN actor_salt TEXT;
ALTER TABLE audit_events ADD COLUMN actor_digest TEXT;
ALTER TABLE audit_events ADD COLUMN subject_salt TEXT;
ALTER TABLE audit_events ADD COLUMN subject_digest TEXT;
CREATE UNIQUE INDEX audit_tenant_seq ON audit_events (tenant_id, seq);

-- One row per tenant: the last link of its chain. Appending updates this row first, which
-- makes concurrent appends of one tenant take turns (a row lock on PostgreSQL; SQLite has one
-- writer at a time), and lets verify notice events removed from the end of the chain.
CREATE TABLE audit_chain_heads (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL
);
