-- Keyrack's foundation schema. One portable folder for SQLite and PostgreSQL: ids are TEXT
-- (UUID v7), timestamps BIGINT unix milliseconds, flags INTEGER 0/1, JSON as TEXT.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    language    TEXT NOT NULL,
    settings    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE branches (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, name_folded)
);

CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    permissions TEXT NOT NULL,
    builtin     INTEGER NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE people (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    salutation    TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    email         TEXT,
    email_folded  TEXT,
    phones        TEXT NOT NULL,
    language      TEXT NOT NULL,
    notifications TEXT NOT NULL,
    search_text   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    -- Bumped by every change; the first statement of an action touches it, which serialises
    -- concurrent actions on one person on both databases.
    version       BIGINT NOT NULL
);
CREATE INDEX people_tenant_id ON people (tenant_id, id);
CREATE INDEX people_tenant_email ON people (tenant_id, email_folded);

-- A person's login exists while their access state is anything but `none`.
CREATE TABLE logins (
    person_id            TEXT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    username             TEXT NOT NULL,
    username_folded      TEXT NOT NULL,
    state                TEXT NOT NULL,
    state_before_block   TEXT,
    password_hash        TEXT,
    role_id              TEXT REFERENCES roles (id),
    permissions          TEXT NOT NULL,
    -- 'all', or 'some' with the branches listed in login_branches.
    branch_scope         TEXT NOT NULL,
    must_change_password INTEGER NOT NULL,
    last_login_at        BIGINT,
    failed_logins        INTEGER NOT NULL,
    last_failed_at       BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    UNIQUE (tenant_id, username_folded)
);
CREATE INDEX logins_tenant_state ON logins (tenant_id, state);

CREATE TABLE login_branches (
    person_id   TEXT NOT NULL REFERENCES logins (person_id) ON DELETE CASCADE,
    branch_id   TEXT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, branch_id)
);
CREATE INDEX login_branches_branch ON login_branches (branch_id);

-- Invitation and reset links. Only the SHA-256 of the token is stored.
CREATE TABLE links (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX links_person ON links (person_id, used_at);

-- Signed-in sessions, kept server-side so that they can be listed and revoked.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    user_agent   TEXT NOT NULL,
    address      TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key_hash     TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL,
    label        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

-- Who did what to whom. Rows outlive the people they name (no foreign key on subject).
CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    at            BIGINT NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_id      TEXT,
    actor_label   TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject_id    TEXT,
    subject_label TEXT NOT NULL,
    address       TEXT,
    before_json   TEXT,
    after_json    TEXT
);
CREATE INDEX audit_tenant_at ON audit_events (tenant_id, at, id);
CREATE INDEX audit_subject ON audit_events (subject_id, at, id);

-- Mail waiting for delivery: written in the transaction of the action that causes it, sent
-- after commit by the delivery worker, retried until it goes through.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    person_id       TEXT,
    template        TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
