-- API tokens: a user's credential for one tenant, carrying that user's role
-- there (never more). Only the SHA-256 of the token is stored; it is shown
-- once at creation. Looked up by its digest before the tenant is known, like
-- a session (network-level table with a tenant column).
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    token_hash    TEXT NOT NULL,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP,
    revoked_by    TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_tenant_user_idx ON api_tokens (tenant_id, user_id, created_at);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
CREATE INDEX api_tokens_revoked_by_idx ON api_tokens (revoked_by);

-- Answers to writes sent with an Idempotency-Key, kept 24 hours: the same key
-- and body get the first answer again; another body with the same key is refused.
CREATE TABLE api_idempotency (
    token_id      TEXT NOT NULL REFERENCES api_tokens (id),
    idempotency_key TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (token_id, idempotency_key)
);
CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);
