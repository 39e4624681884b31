-- The OpenID Connect provider: signing keys, registered clients, authorization codes and
-- refresh-token families. Portable SQL like every migration: TEXT ids, BIGINT unix
-- milliseconds, INTEGER flags, JSON in TEXT. Codes, client secrets and refresh tokens are
-- stored as SHA-256 hashes only.

-- The keys that sign ID and access tokens, shared by every tenant's issuer. The newest key
-- without `retired_at` signs; a retired key is still published in the JWKS until the tokens
-- it signed have expired. The private key is PKCS#8 PEM: whoever reads this table can sign
-- tokens, so the database is a secret to protect like the key itself.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    algorithm   TEXT NOT NULL,
    private_key TEXT NOT NULL,
    public_jwk  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT
);

CREATE TABLE oidc_clients (
    id                       TEXT PRIMARY KEY,
    tenant_id                TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                     TEXT NOT NULL,
    -- NULL for a public client (PKCE only, no secret).
    secret_hash              TEXT,
    redirect_uris            TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    created_at               BIGINT NOT NULL
);
CREATE INDEX oidc_clients_tenant ON oidc_clients (tenant_id, id);

-- One sign-in of a person at a client: the family of refresh tokens that rotate from one code
-- exchange. It belongs to the Keyrack session the person signed in with, so everything that
-- ends sessions (sign-out, block, remove, reset, a password set by an admin) ends it too.
CREATE TABLE oidc_grants (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id    TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    session_hash TEXT NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
    scope        TEXT NOT NULL,
    auth_time    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX oidc_grants_session ON oidc_grants (session_hash);
CREATE INDEX oidc_grants_person ON oidc_grants (person_id);

-- Authorization codes: single use, short-lived. `grant_id` is set by the exchange that used the
-- code, so that presenting it again can revoke what it produced.
CREATE TABLE oidc_codes (
    code_hash      TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    person_id      TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    session_hash   TEXT NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    nonce          TEXT,
    code_challenge TEXT NOT NULL,
    auth_time      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT,
    grant_id       TEXT
);
CREATE INDEX oidc_codes_session ON oidc_codes (session_hash);

-- Refresh tokens. A used one stays (with `used_at`) until its family ends, so that a replay of
-- a rotated token is recognised and ends the whole family.
CREATE TABLE oidc_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX oidc_refresh_tokens_grant ON oidc_refresh_tokens (grant_id);
