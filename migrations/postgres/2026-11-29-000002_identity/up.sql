-- Identity and access: server-side sessions, single-use account tokens,
-- sign-in throttling, and the version counter of role assignments.

-- One row per signed-in browser. `id` is the SHA-256 (hex) of the random
-- cookie value, so a copy of the table does not let anyone sign in.
CREATE TABLE sessions (
    id               TEXT PRIMARY KEY NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id),
    active_tenant_id TEXT REFERENCES tenants (id),
    csrf_token       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    last_seen_at     TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_active_tenant_idx ON sessions (active_tenant_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Invitation and password-reset links. `id` is the SHA-256 (hex) of the token.
CREATE TABLE account_tokens (
    id         TEXT PRIMARY KEY NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    user_id    TEXT NOT NULL REFERENCES users (id),
    tenant_id  TEXT REFERENCES tenants (id),
    role       TEXT CHECK (role IN ('tenant_admin', 'caseworker', 'volunteer', 'viewer')),
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id);
CREATE INDEX account_tokens_tenant_idx ON account_tokens (tenant_id);
CREATE INDEX account_tokens_created_by_idx ON account_tokens (created_by);

-- Failed sign-ins per account (key 'account:<sha256 of the e-mail>') and per
-- client address (key 'ip:<address>').
CREATE TABLE login_throttle (
    key               TEXT PRIMARY KEY NOT NULL,
    failures          INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until      TIMESTAMP
);

-- Bumped in the same transaction as every change of role assignments, so
-- that every server instance reloads them before its next decision.
CREATE TABLE authz_version (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    version   BIGINT NOT NULL
);
INSERT INTO authz_version (singleton, version) VALUES (1, 0);
