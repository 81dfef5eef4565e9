-- Beneficiaries, identity documents, consents and case files. Every table is
-- tenant-owned: primary key (tenant_id, id), foreign keys carry tenant_id.

CREATE TABLE beneficiaries (
    tenant_id              TEXT NOT NULL REFERENCES tenants (id),
    id                     TEXT NOT NULL,
    given_names            TEXT NOT NULL,
    family_names           TEXT NOT NULL,
    arabic_name            TEXT,
    -- normalised name tokens for search and duplicate detection (see relais_domain::names)
    name_key               TEXT NOT NULL,
    sex                    TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    birth_date             DATE,
    birth_year             INTEGER,
    nationalities          TEXT NOT NULL DEFAULT '',
    languages              TEXT NOT NULL DEFAULT '',
    phone                  TEXT,
    whatsapp               TEXT,
    email                  TEXT,
    city                   TEXT,
    region                 TEXT,
    household_size_morocco INTEGER,
    household_size_origin  INTEGER,
    education_level        TEXT,
    previous_occupation    TEXT,
    skills                 TEXT,
    regularisation_year    INTEGER,
    created_by             TEXT REFERENCES users (id),
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    -- optimistic locking: every update checks and increments it
    version                INTEGER NOT NULL DEFAULT 1,
    erased_at              TIMESTAMP,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX beneficiaries_name_idx ON beneficiaries (tenant_id, name_key, id);
CREATE INDEX beneficiaries_family_idx ON beneficiaries (tenant_id, family_names, id);
CREATE INDEX beneficiaries_created_idx ON beneficiaries (tenant_id, created_at, id);
CREATE INDEX beneficiaries_region_idx ON beneficiaries (tenant_id, region);
CREATE INDEX beneficiaries_birth_year_idx ON beneficiaries (tenant_id, birth_year);
CREATE INDEX beneficiaries_created_by_idx ON beneficiaries (created_by);

CREATE TABLE identity_documents (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    beneficiary_id TEXT NOT NULL,
    doc_type       TEXT NOT NULL CHECK (doc_type IN ('residence_card', 'passport', 'refugee_card', 'application_receipt')),
    number         TEXT NOT NULL,
    -- upper-case, without spaces or dashes: how numbers are compared
    number_key     TEXT NOT NULL,
    issued_on      DATE,
    expires_on     DATE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, beneficiary_id) REFERENCES beneficiaries (tenant_id, id)
);
CREATE INDEX identity_documents_beneficiary_idx ON identity_documents (tenant_id, beneficiary_id);
CREATE INDEX identity_documents_number_idx ON identity_documents (tenant_id, number_key);
CREATE INDEX identity_documents_expiry_idx ON identity_documents (tenant_id, expires_on);

CREATE TABLE consents (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    beneficiary_id    TEXT NOT NULL,
    purpose           TEXT NOT NULL CHECK (purpose IN ('case_management', 'referral', 'photos', 'statistics')),
    -- for a referral consent: the partner tenant and/or the service it covers
    partner_tenant_id TEXT REFERENCES tenants (id),
    service_ref       TEXT,
    channel           TEXT NOT NULL CHECK (channel IN ('written', 'oral_witnessed', 'digital')),
    language          TEXT NOT NULL,
    given_on          DATE NOT NULL,
    expires_on        DATE,
    recorded_by       TEXT REFERENCES users (id),
    witness           TEXT,
    withdrawn_on      DATE,
    withdrawn_by      TEXT REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, beneficiary_id) REFERENCES beneficiaries (tenant_id, id)
);
CREATE INDEX consents_beneficiary_idx ON consents (tenant_id, beneficiary_id);
CREATE INDEX consents_partner_idx ON consents (partner_tenant_id);
CREATE INDEX consents_recorded_by_idx ON consents (recorded_by);
CREATE INDEX consents_withdrawn_by_idx ON consents (withdrawn_by);

CREATE TABLE cases (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    beneficiary_id  TEXT NOT NULL,
    -- short human reference, unique per tenant (e.g. C-2026-00042)
    reference       TEXT NOT NULL,
    pathway         TEXT NOT NULL CHECK (pathway IN ('auto_entrepreneur', 'group_enterprise', 'employment', 'training', 'information_only')),
    status          TEXT NOT NULL CHECK (status IN ('open', 'on_hold', 'closed')),
    closed_reason   TEXT,
    intake_date     DATE NOT NULL,
    referral_source TEXT,
    goals           TEXT,
    created_by      TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, beneficiary_id) REFERENCES beneficiaries (tenant_id, id)
);
CREATE UNIQUE INDEX cases_reference_key ON cases (tenant_id, reference);
CREATE INDEX cases_beneficiary_idx ON cases (tenant_id, beneficiary_id);
CREATE INDEX cases_status_idx ON cases (tenant_id, status, updated_at, id);
CREATE INDEX cases_pathway_idx ON cases (tenant_id, pathway);
CREATE INDEX cases_created_by_idx ON cases (created_by);

CREATE TABLE case_assignments (
    tenant_id TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (tenant_id, case_id, user_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX case_assignments_user_idx ON case_assignments (user_id);

CREATE TABLE case_notes (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    author_id  TEXT REFERENCES users (id),
    visibility TEXT NOT NULL CHECK (visibility IN ('normal', 'confidential')),
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX case_notes_case_idx ON case_notes (tenant_id, case_id, created_at);
CREATE INDEX case_notes_author_idx ON case_notes (author_id);

CREATE TABLE tasks (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    title       TEXT NOT NULL,
    due_on      DATE,
    assignee_id TEXT REFERENCES users (id),
    done_at     TIMESTAMP,
    created_by  TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX tasks_case_idx ON tasks (tenant_id, case_id);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, done_at, due_on);
CREATE INDEX tasks_created_by_idx ON tasks (created_by);

-- What happened in a case, for its timeline (shown to people; the audit trail is separate).
CREATE TABLE case_events (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}',
    actor_id    TEXT REFERENCES users (id),
    occurred_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX case_events_case_idx ON case_events (tenant_id, case_id, occurred_at);
CREATE INDEX case_events_actor_idx ON case_events (actor_id);
