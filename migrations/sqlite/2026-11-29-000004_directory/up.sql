-- The service directory (inspired by Open Referral HSDS): every partner's
-- services, including organisations that are not tenants. The directory is
-- read by every signed-in user of the network, so its tables are
-- network-level; each service belongs to exactly one tenant or one external
-- organisation, and only that owner's administrators change it.

CREATE TABLE external_organisations (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('coordination', 'association', 'incubator', 'public_service', 'other')),
    region        TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    website       TEXT,
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX external_organisations_name_key ON external_organisations (name);

CREATE TABLE services (
    id                       TEXT PRIMARY KEY NOT NULL,
    owner_tenant_id          TEXT REFERENCES tenants (id),
    owner_organisation_id    TEXT REFERENCES external_organisations (id),
    name_fr                  TEXT NOT NULL,
    name_ar                  TEXT,
    name_en                  TEXT,
    description_fr           TEXT NOT NULL DEFAULT '',
    description_ar           TEXT,
    description_en           TEXT,
    category                 TEXT NOT NULL,
    eligibility              TEXT,
    languages                TEXT NOT NULL DEFAULT '',
    regions                  TEXT NOT NULL DEFAULT '',
    cities                   TEXT,
    address                  TEXT,
    opening_hours            TEXT,
    focal_point_email        TEXT NOT NULL,
    response_days            INTEGER NOT NULL CHECK (response_days BETWEEN 1 AND 90),
    intake_open              BOOLEAN NOT NULL DEFAULT 1,
    last_verified_on         DATE,
    search_key               TEXT NOT NULL DEFAULT '',
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    CHECK ((owner_tenant_id IS NULL) <> (owner_organisation_id IS NULL))
);
CREATE INDEX services_owner_tenant_idx ON services (owner_tenant_id);
CREATE INDEX services_owner_organisation_idx ON services (owner_organisation_id);
CREATE INDEX services_category_idx ON services (category);
