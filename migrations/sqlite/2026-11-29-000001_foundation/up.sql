-- Foundation: tenants, users, memberships, Casbin rules, audit trail, e-mail outbox.
-- Ids are UUIDv7 as text; times are UTC without zone ('YYYY-MM-DD HH:MM:SS.ffffff').

CREATE TABLE tenants (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('coordination', 'association', 'incubator', 'public_service', 'other')),
    region           TEXT NOT NULL,
    default_language TEXT NOT NULL CHECK (default_language IN ('fr', 'ar', 'en')),
    contact_email    TEXT NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tenants_name_key ON tenants (name);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY NOT NULL,
    email              TEXT NOT NULL,
    display_name       TEXT NOT NULL,
    password_hash      TEXT,
    preferred_language TEXT CHECK (preferred_language IN ('fr', 'ar', 'en')),
    active             BOOLEAN NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('tenant_admin', 'caseworker', 'volunteer', 'viewer')),
    -- invited: waiting for the invitation to be accepted; disabled: may no longer work in the tenant
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'disabled')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX memberships_tenant_user_key ON memberships (tenant_id, user_id);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE casbin_rule (
    id    TEXT PRIMARY KEY NOT NULL,
    ptype TEXT NOT NULL,
    v0    TEXT NOT NULL DEFAULT '',
    v1    TEXT NOT NULL DEFAULT '',
    v2    TEXT NOT NULL DEFAULT '',
    v3    TEXT NOT NULL DEFAULT '',
    v4    TEXT NOT NULL DEFAULT '',
    v5    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX casbin_rule_key ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);

-- Append-only: the triggers below refuse any UPDATE or DELETE.
CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY NOT NULL,
    tenant_id     TEXT REFERENCES tenants (id),
    actor_user_id TEXT REFERENCES users (id),
    action        TEXT NOT NULL,
    target_type   TEXT NOT NULL,
    target_id     TEXT,
    details       TEXT NOT NULL DEFAULT '{}',
    request_id    TEXT,
    occurred_at   TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_tenant_time_idx ON audit_events (tenant_id, occurred_at);
CREATE INDEX audit_events_target_idx ON audit_events (tenant_id, target_type, target_id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- Written in the same transaction as the change that causes an e-mail; sent by the outbox worker.
CREATE TABLE email_outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    tenant_id       TEXT REFERENCES tenants (id),
    idempotency_key TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL CHECK (language IN ('fr', 'ar', 'en')),
    template        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until    TIMESTAMP,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);
CREATE UNIQUE INDEX email_outbox_idempotency_key ON email_outbox (idempotency_key);
CREATE INDEX email_outbox_due_idx ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_tenant_idx ON email_outbox (tenant_id);
