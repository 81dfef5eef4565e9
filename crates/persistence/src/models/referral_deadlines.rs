//! The system's side of referrals: response deadlines. A referral that is
//! still `sent` gets a reminder to the receiver when its answer is due
//! (sent + the service's response time), an escalation to the receiving
//! tenant's administrators at twice that time, and expires after a
//! configurable multiple of it (the sender is told; the expiry itself goes
//! through `referrals::apply` on the platform's view). Reminder and
//! escalation are conditional updates whose row count says whether this
//! caller did it, so two server instances never both send the same notice.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::ids::{CaseId, OrganisationId, ReferralId, ServiceId, TenantId, UserId};
use relais_domain::referral::{ReferralEventKind, ReferralStatus, Side};
use relais_domain::{MembershipStatus, TenantRole};
use uuid::Uuid;

use super::referrals::SideView;
use crate::schema::{case_assignments, memberships, referral_events, referrals, users};
use crate::stored::{Stored, StoredOpt};
use crate::{DbConnection, PersistenceError};

/// A referral waiting for an answer, with what the deadline steps need.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Waiting {
    /// Id.
    #[diesel(deserialize_as = Stored<ReferralId, referrals::id>)]
    pub id: ReferralId,
    /// Short reference.
    pub reference: String,
    /// Sending tenant.
    #[diesel(deserialize_as = Stored<TenantId, referrals::sender_tenant_id>)]
    pub sender_tenant_id: TenantId,
    /// Sending case.
    #[diesel(deserialize_as = Stored<CaseId, referrals::sender_case_id>)]
    pub sender_case_id: CaseId,
    /// Who sent it.
    #[diesel(deserialize_as = StoredOpt<UserId, referrals::sent_by>)]
    pub sent_by: Option<UserId>,
    /// Receiving tenant, if a tenant.
    #[diesel(deserialize_as = StoredOpt<TenantId, referrals::receiver_tenant_id>)]
    pub receiver_tenant_id: Option<TenantId>,
    /// Receiving organisation, if not a tenant.
    #[diesel(deserialize_as = StoredOpt<OrganisationId, referrals::receiver_organisation_id>)]
    pub receiver_organisation_id: Option<OrganisationId>,
    /// The service.
    #[diesel(deserialize_as = Stored<ServiceId, referrals::service_id>)]
    pub service_id: ServiceId,
    /// When it was sent.
    pub sent_at: Option<NaiveDateTime>,
    /// When the answer is due.
    pub due_at: Option<NaiveDateTime>,
    /// Reminder sent at.
    pub reminded_at: Option<NaiveDateTime>,
    /// Escalation sent at.
    pub escalated_at: Option<NaiveDateTime>,
}

impl Waiting {
    /// The response time this referral was given (due − sent).
    fn response_time(&self) -> Option<chrono::Duration> {
        Some(self.due_at? - self.sent_at?)
    }

    /// When the escalation is due: sent + 2 × the response time.
    pub fn escalation_at(&self) -> Option<NaiveDateTime> {
        Some(self.sent_at? + self.response_time()? * 2)
    }

    /// When it expires: sent + `factor` × the response time.
    pub fn expiry_at(&self, factor: i32) -> Option<NaiveDateTime> {
        Some(self.sent_at? + self.response_time()? * factor)
    }
}

/// Every referral still waiting for an answer whose answer is due at `now`.
pub fn overdue(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<Waiting>, PersistenceError> {
    Ok(referrals::table
        .filter(referrals::status.eq(ReferralStatus::Sent.as_str()))
        .filter(referrals::due_at.le(now))
        .order(referrals::due_at.asc())
        .select((
            referrals::id,
            referrals::reference,
            referrals::sender_tenant_id,
            referrals::sender_case_id,
            referrals::sent_by,
            referrals::receiver_tenant_id,
            referrals::receiver_organisation_id,
            referrals::service_id,
            referrals::sent_at,
            referrals::due_at,
            referrals::reminded_at,
            referrals::escalated_at,
        ))
        .load(conn)?)
}

fn event(
    conn: &mut DbConnection,
    id: ReferralId,
    kind: ReferralEventKind,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::insert_into(referral_events::table)
        .values((
            referral_events::id.eq(Uuid::now_v7().to_string()),
            referral_events::referral_id.eq(id.to_string()),
            referral_events::kind.eq(kind.as_str()),
            referral_events::side.eq(Side::System.as_str()),
            referral_events::details.eq("{}"),
            referral_events::occurred_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the reminder, through the platform's view; `false` when another
/// run already did (or the referral moved on).
pub fn mark_reminded(conn: &mut DbConnection, view: &SideView, at: NaiveDateTime) -> Result<bool, PersistenceError> {
    let id = view.id();
    let changed = diesel::update(
        referrals::table
            .filter(referrals::id.eq(id.to_string()))
            .filter(referrals::status.eq(ReferralStatus::Sent.as_str()))
            .filter(referrals::reminded_at.is_null()),
    )
    .set((referrals::reminded_at.eq(at), referrals::updated_at.eq(at)))
    .execute(conn)?;
    if changed == 1 {
        event(conn, id, ReferralEventKind::Reminder, at)?;
    }
    Ok(changed == 1)
}

/// Records the escalation, through the platform's view; `false` when another run already did.
pub fn mark_escalated(conn: &mut DbConnection, view: &SideView, at: NaiveDateTime) -> Result<bool, PersistenceError> {
    let id = view.id();
    let changed = diesel::update(
        referrals::table
            .filter(referrals::id.eq(id.to_string()))
            .filter(referrals::status.eq(ReferralStatus::Sent.as_str()))
            .filter(referrals::escalated_at.is_null()),
    )
    .set((referrals::escalated_at.eq(at), referrals::updated_at.eq(at)))
    .execute(conn)?;
    if changed == 1 {
        event(conn, id, ReferralEventKind::Escalation, at)?;
    }
    Ok(changed == 1)
}

/// Someone to tell, and in which language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// E-mail address.
    pub email: String,
    /// The recipient's language code (their preference, else the tenant's default, else `fr`).
    pub language: String,
    /// The user, when the recipient has an account.
    pub user_id: Option<String>,
    /// Whether they asked for one daily digest instead of each e-mail.
    pub wants_digest: bool,
}

/// Users who asked for one daily digest of referral e-mails, with the
/// number of referral events since `since` on their side of a referral
/// (sent by them or on a case assigned to them; or received by their tenant
/// when they are a caseworker or administrator there).
pub fn digest_counts(conn: &mut DbConnection, since: NaiveDateTime) -> Result<Vec<(Recipient, i64)>, PersistenceError> {
    let people: Vec<(String, String, Option<String>)> = users::table
        .filter(users::referral_emails.eq("daily_digest"))
        .filter(users::active.eq(true))
        .select((users::id, users::email, users::preferred_language))
        .load(conn)?;
    // The day's events, read once for everybody (not once per person).
    let events: Vec<(String, Option<String>, Option<String>, String)> = referral_events::table
        .inner_join(referrals::table.on(referrals::id.eq(referral_events::referral_id)))
        .filter(referral_events::occurred_at.ge(since))
        .select((
            referrals::sender_tenant_id,
            referrals::sent_by,
            referrals::receiver_tenant_id,
            referrals::sender_case_id,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (user_id, email, lang) in people {
        let worker_tenants: Vec<String> = memberships::table
            .filter(memberships::user_id.eq(&user_id))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .filter(memberships::role.eq_any([TenantRole::Caseworker.as_str(), TenantRole::TenantAdmin.as_str()]))
            .select(memberships::tenant_id)
            .load(conn)?;
        let my_cases: Vec<(String, String)> = case_assignments::table
            .filter(case_assignments::user_id.eq(&user_id))
            .select((case_assignments::tenant_id, case_assignments::case_id))
            .load(conn)?;
        let count = events
            .iter()
            .filter(|(sender, sent_by, receiver, case)| {
                sent_by.as_deref() == Some(user_id.as_str())
                    || my_cases.iter().any(|(t, c)| t == sender && c == case)
                    || receiver.as_ref().is_some_and(|r| worker_tenants.contains(r))
            })
            .count() as i64;
        if count > 0 {
            out.push((
                Recipient {
                    email,
                    language: lang.unwrap_or_else(|| "fr".to_owned()),
                    user_id: Some(user_id),
                    wants_digest: true,
                },
                count,
            ));
        }
    }
    Ok(out)
}
