-- Closed-loop referrals between tenants (and to organisations without an
-- account). A referral is the one record two tenants share: it carries the
-- sending and the receiving side, and its packet is a copy of the consented
-- fields, never a pointer into the sender's rows.

CREATE TABLE referrals (
    id                       TEXT PRIMARY KEY NOT NULL,
    -- short reference shown in e-mails and pages (R-7K2M9Q); not personal
    reference                TEXT NOT NULL,
    sender_tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    sender_case_id           TEXT NOT NULL,
    sender_beneficiary_id    TEXT NOT NULL,
    service_id               TEXT NOT NULL REFERENCES services (id),
    -- exactly one receiver: a tenant, or an external organisation
    receiver_tenant_id       TEXT REFERENCES tenants (id),
    receiver_organisation_id TEXT REFERENCES external_organisations (id),
    -- the consent relied on, or the justification of an override
    consent_id               TEXT,
    consent_override_reason  TEXT,
    status                   TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'withdrawn', 'expired', 'in_progress', 'completed', 'not_completed', 'revoked')),
    -- JSON: the fields the sender chose and the person consented to share
    packet                   TEXT NOT NULL DEFAULT '{}',
    message                  TEXT,
    created_by               TEXT NOT NULL,
    sent_by                  TEXT,
    sent_at                  TIMESTAMP,
    -- response deadline: sent_at + the service's expected response time
    due_at                   TIMESTAMP,
    reminded_at              TIMESTAMP,
    escalated_at             TIMESTAMP,
    answered_at              TIMESTAMP,
    decline_reason           TEXT,
    decline_text             TEXT,
    outcome                  TEXT,
    not_completed_reason     TEXT,
    closed_at                TIMESTAMP,
    -- the receiving tenant's own linked records, once accepted
    receiver_beneficiary_id  TEXT,
    receiver_case_id         TEXT,
    -- external organisations answer through a signed, single-use, expiring link
    external_token_hash      TEXT,
    external_token_expires_at TIMESTAMP,
    version                  INTEGER NOT NULL DEFAULT 1,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    FOREIGN KEY (sender_tenant_id, sender_case_id) REFERENCES cases (tenant_id, id),
    CHECK ((receiver_tenant_id IS NULL) <> (receiver_organisation_id IS NULL))
);
CREATE UNIQUE INDEX referrals_reference_key ON referrals (reference);
CREATE UNIQUE INDEX referrals_external_token_key ON referrals (external_token_hash);
CREATE INDEX referrals_sender_idx ON referrals (sender_tenant_id, sender_case_id);
CREATE INDEX referrals_sender_status_idx ON referrals (sender_tenant_id, status, updated_at);
CREATE INDEX referrals_receiver_status_idx ON referrals (receiver_tenant_id, status, due_at);
CREATE INDEX referrals_receiver_organisation_idx ON referrals (receiver_organisation_id);
CREATE INDEX referrals_service_idx ON referrals (service_id);
CREATE INDEX referrals_due_idx ON referrals (status, due_at);

-- Comments visible to both sides.
CREATE TABLE referral_comments (
    id          TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    side        TEXT NOT NULL CHECK (side IN ('sender', 'receiver')),
    author_id   TEXT,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX referral_comments_referral_idx ON referral_comments (referral_id, created_at);

-- Every status change and notice, for both sides' timelines and the dashboards.
CREATE TABLE referral_events (
    id          TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    kind        TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    side        TEXT NOT NULL CHECK (side IN ('sender', 'receiver', 'system')),
    actor_id    TEXT,
    details     TEXT NOT NULL DEFAULT '{}',
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX referral_events_referral_idx ON referral_events (referral_id, occurred_at);

-- How a user wants referral e-mails: each one at once, or one daily digest.
ALTER TABLE users ADD COLUMN referral_emails TEXT NOT NULL DEFAULT 'immediate' CHECK (referral_emails IN ('immediate', 'daily_digest'));
