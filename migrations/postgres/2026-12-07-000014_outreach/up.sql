-- Outreach and capacity building (issue 12): events, the tenants and
-- directory organisations that organise them, facilitators, registered
-- attendance, anonymous head-counts, and participants who are not
-- beneficiaries (officials …) with their attendance. Every table is
-- tenant-owned.
--
-- A co-organised event belongs to the tenant that recorded it; each tenant
-- that organises it (that tenant included) has a row in event_organisers.
-- Attendance, tallies and participant attendance belong to the tenant that
-- recorded them (the event's tenant or a co-organiser) and point at the
-- event through that row, by (their tenant_id, event_id, event_tenant_id):
-- the database refuses attendance at an event the tenant does not organise,
-- and attendance of a person of another tenant.

CREATE TABLE events (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    id         TEXT NOT NULL,
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('information_session', 'field_campaign', 'training', 'network_meeting')),
    -- event topic codes, comma separated, in list order (self_employment,rights)
    topics     TEXT NOT NULL DEFAULT '',
    -- trainings only: officials or beneficiaries
    audience   TEXT CHECK (audience IN ('officials', 'beneficiaries')),
    -- the event's dates, not the entry's (sheets are typed in after the fact)
    start_date DATE NOT NULL,
    end_date   DATE,
    city       TEXT,
    region     TEXT NOT NULL,
    -- languages used, comma separated, as written
    languages  TEXT NOT NULL DEFAULT '',
    notes      TEXT,
    status     TEXT NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX events_date_idx ON events (tenant_id, start_date, id);
CREATE INDEX events_created_by_idx ON events (created_by);

-- The tenants organising an event: its own tenant and each co-organising tenant.
CREATE TABLE event_organisers (
    tenant_id           TEXT NOT NULL,
    event_id            TEXT NOT NULL,
    organiser_tenant_id TEXT NOT NULL REFERENCES tenants (id),
    created_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, event_id, organiser_tenant_id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id)
);
-- what an organiser's attendance, tallies and participants point at; the events a tenant organises
CREATE UNIQUE INDEX event_organisers_organiser_key ON event_organisers (organiser_tenant_id, event_id, tenant_id);

-- Organisations of the directory (not tenants) that co-organise an event.
CREATE TABLE event_co_organisers (
    tenant_id       TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES external_organisations (id),
    PRIMARY KEY (tenant_id, event_id, organisation_id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id)
);
CREATE INDEX event_co_organisers_organisation_idx ON event_co_organisers (organisation_id);

-- Members of the event's tenant who ran it.
CREATE TABLE event_facilitators (
    tenant_id TEXT NOT NULL,
    event_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, event_id, user_id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id)
);
CREATE INDEX event_facilitators_user_idx ON event_facilitators (tenant_id, user_id);

-- Registered attendance: one row per (event, person) of the recording tenant.
CREATE TABLE event_attendances (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    event_tenant_id TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    beneficiary_id  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('present', 'absent')),
    -- attendee interest codes, comma separated, in list order
    interests       TEXT NOT NULL DEFAULT '',
    recorded_by     TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, beneficiary_id) REFERENCES beneficiaries (tenant_id, id),
    FOREIGN KEY (tenant_id, event_id, event_tenant_id) REFERENCES event_organisers (organiser_tenant_id, event_id, tenant_id)
);
CREATE UNIQUE INDEX event_attendances_person_key ON event_attendances (tenant_id, event_id, beneficiary_id);
CREATE INDEX event_attendances_event_idx ON event_attendances (tenant_id, event_id, event_tenant_id);
CREATE INDEX event_attendances_beneficiary_idx ON event_attendances (tenant_id, beneficiary_id);
CREATE INDEX event_attendances_recorded_by_idx ON event_attendances (recorded_by);

-- Anonymous head-counts: a tally sheet (several per event) and its cells.
CREATE TABLE event_tallies (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    event_tenant_id TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    -- where or when within the event ("Souk de Takaddoum, morning")
    label           TEXT,
    recorded_by     TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, event_id, event_tenant_id) REFERENCES event_organisers (organiser_tenant_id, event_id, tenant_id)
);
CREATE INDEX event_tallies_event_idx ON event_tallies (tenant_id, event_id, event_tenant_id);
CREATE INDEX event_tallies_recorded_by_idx ON event_tallies (recorded_by);

CREATE TABLE event_tally_counts (
    tenant_id   TEXT NOT NULL,
    tally_id    TEXT NOT NULL,
    line        INTEGER NOT NULL,
    sex         TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    age_band    TEXT NOT NULL CHECK (age_band IN ('under_18', '18_24', '25_34', '35_44', '45_plus', 'unknown')),
    -- ISO 3166-1 alpha-2, when counted by nationality
    nationality TEXT,
    headcount   INTEGER NOT NULL CHECK (headcount >= 0),
    PRIMARY KEY (tenant_id, tally_id, line),
    FOREIGN KEY (tenant_id, tally_id) REFERENCES event_tallies (tenant_id, id)
);

-- Officials and other participants who are not beneficiaries.
CREATE TABLE participants (
    tenant_id                   TEXT NOT NULL REFERENCES tenants (id),
    id                          TEXT NOT NULL,
    full_name                   TEXT NOT NULL,
    -- the institution: a tenant, an organisation of the directory, or a name (at most one)
    institution_tenant_id       TEXT REFERENCES tenants (id),
    institution_organisation_id TEXT REFERENCES external_organisations (id),
    institution_name            TEXT,
    job_title                   TEXT,
    sex                         TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    email                       TEXT,
    phone                       TEXT,
    created_by                  TEXT REFERENCES users (id),
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL,
    version                     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    CHECK ((CASE WHEN institution_tenant_id IS NULL THEN 0 ELSE 1 END)
         + (CASE WHEN institution_organisation_id IS NULL THEN 0 ELSE 1 END)
         + (CASE WHEN institution_name IS NULL THEN 0 ELSE 1 END) <= 1)
);
CREATE INDEX participants_name_idx ON participants (tenant_id, full_name, id);
CREATE INDEX participants_institution_tenant_idx ON participants (institution_tenant_id);
CREATE INDEX participants_institution_organisation_idx ON participants (institution_organisation_id);
CREATE INDEX participants_created_by_idx ON participants (created_by);

CREATE TABLE participant_attendances (
    tenant_id       TEXT NOT NULL,
    event_tenant_id TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    participant_id  TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('present', 'absent')),
    recorded_by     TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, event_id, participant_id),
    FOREIGN KEY (tenant_id, participant_id) REFERENCES participants (tenant_id, id),
    FOREIGN KEY (tenant_id, event_id, event_tenant_id) REFERENCES event_organisers (organiser_tenant_id, event_id, tenant_id)
);
CREATE INDEX participant_attendances_event_idx ON participant_attendances (tenant_id, event_id, event_tenant_id);
CREATE INDEX participant_attendances_participant_idx ON participant_attendances (tenant_id, participant_id);
CREATE INDEX participant_attendances_recorded_by_idx ON participant_attendances (recorded_by);
