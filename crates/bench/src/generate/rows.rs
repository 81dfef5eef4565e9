//! One insertable row type per table, and the writer that sends them in
//! multi-row `INSERT` statements (diesel's batch insert on the backend's own
//! connection inside `DbConnection`: the multi-connection's generic backend
//! does not implement it), several statements per transaction, timing each
//! table.
//!
//! Every optional field is written as an explicit NULL
//! (`treat_none_as_default_value = false`): SQLite has no `DEFAULT` keyword in
//! a multi-row `VALUES`, and diesel falls back to one statement per row when
//! a batch may contain one.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_persistence::schema::{
    audit_events, beneficiaries, casbin_rule, case_assignments, case_events, case_notes, cases, consents,
    external_organisations, identity_documents, memberships, referral_events, referrals, services, tasks, tenants,
    users,
};
use relais_persistence::{DbConnection, PersistenceError, write_tx};

/// A row type and its table.
pub(crate) trait Row: Sized {
    /// Table name (for the progress report).
    const TABLE: &'static str;
    /// Columns per row (bind parameters per row).
    const COLUMNS: usize;
    /// Inserts the rows in one statement.
    fn insert(conn: &mut DbConnection, rows: &[Self]) -> QueryResult<usize>;
}

macro_rules! rows {
    ($($(#[$doc:meta])* $name:ident => $table:ident { $($field:ident : $ty:ty),+ $(,)? })*) => {
        $(
            $(#[$doc])*
            #[derive(Insertable)]
            #[diesel(table_name = $table, treat_none_as_default_value = false)]
            pub(crate) struct $name { $(pub(crate) $field: $ty),+ }

            impl Row for $name {
                const TABLE: &'static str = stringify!($table);
                const COLUMNS: usize = [$(stringify!($field)),+].len();
                fn insert(conn: &mut DbConnection, rows: &[Self]) -> QueryResult<usize> {
                    // The backend's own connection: diesel's batch insert does
                    // not go through the multi-connection's generic backend.
                    match conn {
                        DbConnection::Sqlite(c) => diesel::insert_into($table::table).values(rows).execute(c),
                        DbConnection::Postgres(c) => diesel::insert_into($table::table).values(rows).execute(c),
                    }
                }
            }
        )*
    };
}

type Text = String;
type Code = &'static str;
type Time = NaiveDateTime;
type Day = NaiveDate;

rows! {
    /// `tenants`.
    TenantRow => tenants { id: Text, name: Text, kind: Code, region: Code, default_language: Code,
        contact_email: Text, active: bool, created_at: Time, updated_at: Time }
    /// `users`.
    UserRow => users { id: Text, email: Text, display_name: Text, password_hash: Option<Text>,
        preferred_language: Option<Code>, active: bool, created_at: Time, updated_at: Time, referral_emails: Code }
    /// `memberships`.
    MembershipRow => memberships { tenant_id: Text, id: Text, user_id: Text, role: Code, status: Code,
        created_at: Time, updated_at: Time }
    /// `casbin_rule` (grouping rules `g, user, role, domain`).
    CasbinRow => casbin_rule { id: Text, ptype: Code, v0: Text, v1: Code, v2: Text, v3: Code, v4: Code, v5: Code }
    /// `external_organisations`.
    OrganisationRow => external_organisations { id: Text, name: Text, kind: Code, region: Code,
        contact_email: Text, website: Option<Text>, active: bool, created_at: Time, updated_at: Time }
    /// `services`.
    ServiceRow => services { id: Text, owner_tenant_id: Option<Text>, owner_organisation_id: Option<Text>,
        name_fr: Text, name_ar: Option<Text>, name_en: Option<Text>, description_fr: Text,
        description_ar: Option<Text>, description_en: Option<Text>, category: Code, eligibility: Option<Text>,
        languages: Text, regions: Text, cities: Option<Text>, address: Option<Text>, opening_hours: Option<Text>,
        focal_point_email: Text, response_days: i32, intake_open: bool, last_verified_on: Option<Day>,
        search_key: Text, created_at: Time, updated_at: Time }
    /// `beneficiaries`.
    PersonRow => beneficiaries { tenant_id: Text, id: Text, given_names: Text, family_names: Text,
        arabic_name: Option<Code>, name_key: Text, sex: Code, birth_date: Option<Day>, birth_year: Option<i32>,
        nationalities: Text, languages: Text, phone: Option<Text>, whatsapp: Option<Text>, email: Option<Text>,
        city: Option<Code>, region: Option<Code>, household_size_morocco: Option<i32>,
        household_size_origin: Option<i32>, education_level: Option<Code>, previous_occupation: Option<Code>,
        skills: Option<Code>, regularisation_year: Option<i32>, created_by: Option<Text>, created_at: Time,
        updated_at: Time, version: i32, erased_at: Option<Time> }
    /// `identity_documents`.
    DocumentRow => identity_documents { tenant_id: Text, id: Text, beneficiary_id: Text, doc_type: Code,
        number: Text, number_key: Text, issued_on: Option<Day>, expires_on: Option<Day>, created_at: Time,
        updated_at: Time }
    /// `consents`.
    ConsentRow => consents { tenant_id: Text, id: Text, beneficiary_id: Text, purpose: Code,
        partner_tenant_id: Option<Text>, service_ref: Option<Text>, channel: Code, language: Code, given_on: Day,
        expires_on: Option<Day>, recorded_by: Option<Text>, witness: Option<Code>, withdrawn_on: Option<Day>,
        withdrawn_by: Option<Text>, created_at: Time }
    /// `cases`.
    CaseRow => cases { tenant_id: Text, id: Text, beneficiary_id: Text, reference: Text, pathway: Code,
        status: Code, closed_reason: Option<Code>, intake_date: Day, referral_source: Option<Code>,
        goals: Option<Code>, created_by: Option<Text>, created_at: Time, updated_at: Time, version: i32 }
    /// `case_assignments`.
    AssignmentRow => case_assignments { tenant_id: Text, case_id: Text, user_id: Text }
    /// `case_notes`.
    NoteRow => case_notes { tenant_id: Text, id: Text, case_id: Text, author_id: Option<Text>, visibility: Code,
        body: Code, created_at: Time }
    /// `tasks`.
    TaskRow => tasks { tenant_id: Text, id: Text, case_id: Text, title: Code, due_on: Option<Day>,
        assignee_id: Option<Text>, done_at: Option<Time>, created_by: Option<Text>, created_at: Time }
    /// `case_events`.
    CaseEventRow => case_events { tenant_id: Text, id: Text, case_id: Text, kind: Code, details: Text,
        actor_id: Option<Text>, occurred_at: Time }
    /// `audit_events`.
    AuditRow => audit_events { id: Text, tenant_id: Option<Text>, actor_user_id: Option<Text>, action: Code,
        target_type: Code, target_id: Option<Text>, details: Text, request_id: Option<Text>, occurred_at: Time }
    /// `referrals`.
    ReferralRow => referrals { id: Text, reference: Text, sender_tenant_id: Text, sender_case_id: Text,
        sender_beneficiary_id: Text, service_id: Text, receiver_tenant_id: Option<Text>,
        receiver_organisation_id: Option<Text>, consent_id: Option<Text>, consent_override_reason: Option<Text>,
        status: Code, packet: Text, message: Option<Code>, created_by: Text, sent_by: Option<Text>,
        sent_at: Option<Time>, due_at: Option<Time>, reminded_at: Option<Time>, escalated_at: Option<Time>,
        answered_at: Option<Time>, decline_reason: Option<Code>, decline_text: Option<Code>, outcome: Option<Code>,
        not_completed_reason: Option<Code>, closed_at: Option<Time>, receiver_beneficiary_id: Option<Text>,
        receiver_case_id: Option<Text>, external_token_hash: Option<Text>,
        external_token_expires_at: Option<Time>, version: i32, created_at: Time, updated_at: Time }
    /// `referral_events`.
    ReferralEventRow => referral_events { id: Text, referral_id: Text, kind: Code, from_status: Option<Code>,
        to_status: Option<Code>, side: Code, actor_id: Option<Text>, details: Text, occurred_at: Time }
}

/// Rows written and time spent per table, in the order tables were first written.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    tables: Vec<(&'static str, usize, Duration)>,
}

impl Stats {
    fn add(&mut self, table: &'static str, rows: usize, took: Duration) {
        match self.tables.iter_mut().find(|(t, _, _)| *t == table) {
            Some(entry) => {
                entry.1 += rows;
                entry.2 += took;
            }
            None => self.tables.push((table, rows, took)),
        }
    }

    /// Every table with its rows and insert time.
    pub(crate) fn tables(&self) -> &[(&'static str, usize, Duration)] {
        &self.tables
    }

    /// Rows written to one table so far.
    pub(crate) fn rows(&self, table: &str) -> usize {
        self.tables.iter().find(|(t, _, _)| *t == table).map_or(0, |(_, n, _)| *n)
    }

    /// Rows written to all tables.
    pub(crate) fn total(&self) -> usize {
        self.tables.iter().map(|(_, n, _)| n).sum()
    }
}

/// Bind parameters per statement: under SQLite's 32 766 and PostgreSQL's 65 535.
const MAX_BINDS: usize = 30_000;
/// Rows per statement at most.
const MAX_ROWS: usize = 1_000;

/// Writes rows inside one transaction.
pub(crate) struct Load<'a> {
    conn: &'a mut DbConnection,
    stats: &'a mut Stats,
}

impl Load<'_> {
    /// Inserts and empties `rows`, in statements of up to 1 000 rows.
    pub(crate) fn put<R: Row>(&mut self, rows: &mut Vec<R>) -> Result<(), PersistenceError> {
        if rows.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let per_statement = (MAX_BINDS / R::COLUMNS).clamp(1, MAX_ROWS);
        for chunk in rows.chunks(per_statement) {
            R::insert(self.conn, chunk)?;
        }
        self.stats.add(R::TABLE, rows.len(), started.elapsed());
        rows.clear();
        Ok(())
    }

    /// The connection (for the odd statement that is not a batch).
    pub(crate) fn conn(&mut self) -> &mut DbConnection {
        self.conn
    }
}

/// The generator's connection and its statistics.
pub(crate) struct Writer<'c> {
    conn: &'c mut DbConnection,
    /// What was written so far.
    pub(crate) stats: Stats,
}

impl<'c> Writer<'c> {
    pub(crate) fn new(conn: &'c mut DbConnection) -> Self {
        Self { conn, stats: Stats::default() }
    }

    /// Runs `work` in one write transaction.
    pub(crate) fn commit<F>(&mut self, work: F) -> anyhow::Result<()>
    where
        F: FnOnce(&mut Load<'_>) -> anyhow::Result<()>,
    {
        let stats = &mut self.stats;
        write_tx(self.conn, |conn| work(&mut Load { conn, stats }))
    }

    /// The connection, outside any transaction of the writer.
    pub(crate) fn conn(&mut self) -> &mut DbConnection {
        self.conn
    }
}

use relais_persistence::schema::{
    event_attendances, event_facilitators, event_organisers, event_tallies, event_tally_counts, events,
    participant_attendances, participants,
};

rows! {
    /// `events` (outreach events).
    EventRow => events { tenant_id: Text, id: Text, title: Text, kind: Code, topics: Text, audience: Option<Code>,
        start_date: Day, end_date: Option<Day>, city: Option<Code>, region: Code, languages: Code,
        notes: Option<Code>, status: Code, created_by: Option<Text>, created_at: Time, updated_at: Time,
        version: i32 }
    /// `event_organisers` (the event's own tenant).
    OrganiserRow => event_organisers { tenant_id: Text, event_id: Text, organiser_tenant_id: Text, created_at: Time }
    /// `event_facilitators`.
    FacilitatorRow => event_facilitators { tenant_id: Text, event_id: Text, user_id: Text }
    /// `event_attendances`.
    AttendanceRow => event_attendances { tenant_id: Text, id: Text, event_tenant_id: Text, event_id: Text,
        beneficiary_id: Text, status: Code, interests: Text, recorded_by: Option<Text>, created_at: Time,
        updated_at: Time }
    /// `event_tallies`.
    TallyRow => event_tallies { tenant_id: Text, id: Text, event_tenant_id: Text, event_id: Text,
        label: Option<Code>, recorded_by: Option<Text>, created_at: Time }
    /// `event_tally_counts`.
    TallyCountRow => event_tally_counts { tenant_id: Text, tally_id: Text, line: i32, sex: Code, age_band: Code,
        nationality: Option<Code>, headcount: i32 }
    /// `participants`.
    ParticipantRow => participants { tenant_id: Text, id: Text, full_name: Text,
        institution_tenant_id: Option<Text>, institution_organisation_id: Option<Text>,
        institution_name: Option<Code>, job_title: Option<Code>, sex: Code, email: Option<Text>,
        phone: Option<Text>, created_by: Option<Text>, created_at: Time, updated_at: Time, version: i32 }
    /// `participant_attendances`.
    ParticipantAttendanceRow => participant_attendances { tenant_id: Text, event_tenant_id: Text, event_id: Text,
        participant_id: Text, status: Code, recorded_by: Option<Text>, created_at: Time, updated_at: Time }
}
