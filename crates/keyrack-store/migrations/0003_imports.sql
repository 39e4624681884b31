-- Spreadsheet import previews (SPEC §6). A preview writes no person and no login: it is kept
-- here until it is applied or expires. `preview` is what the API shows (rows, changes, errors;
-- never a password); `plan` is what apply writes, with each new password only as its argon2id
-- hash, and is cleared once applied. `rights` fingerprints what the importing person held at
-- preview time, so that an apply after their rights changed is refused.
CREATE TABLE imports (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT,
    rights      TEXT NOT NULL,
    filename    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    applied_at  BIGINT,
    summary     TEXT NOT NULL,
    preview     TEXT NOT NULL,
    plan        TEXT,
    result      TEXT
);
CREATE INDEX imports_tenant_expiry ON imports (tenant_id, expires_at);
