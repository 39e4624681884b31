-- First run: the one-time link that creates the first tenant and its administrator in the
-- browser. There is at most one row (id = 'first'): each start of a server on an empty database
-- replaces it, so an older link stops working, and every use of any link serialises on this
-- one row. Only the token's SHA-256 hash is stored.
CREATE TABLE setup_link (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
