//! Creating a referral and moving it through its states.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::ids::{CaseId, ConsentId, ReferralId, ServiceId, UserId};
use relais_domain::referral::{self, ReferralAction, ReferralEventKind, ReferralStatus, Side, Transition};
use relais_domain::{Conflict, Duplicate};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ConsentGate, PacketField, Referral, ReferralError, SideView, Via, build_packet, consent_gate};
use crate::models::beneficiaries;
use crate::models::cases;
use crate::models::consents::ConsentWithdrawn;
use crate::models::directory;
use crate::schema::{referral_events, referrals};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope, write_tx};

/// A status change or notice in a referral's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = referral_events)]
pub struct Event {
    /// Id.
    pub id: String,
    /// The referral.
    #[diesel(deserialize_as = Stored<ReferralId, referral_events::referral_id>)]
    pub referral_id: ReferralId,
    /// What happened.
    #[diesel(deserialize_as = Stored<ReferralEventKind, referral_events::kind>)]
    pub kind: ReferralEventKind,
    /// Status before.
    #[diesel(deserialize_as = StoredOpt<ReferralStatus, referral_events::from_status>)]
    pub from_status: Option<ReferralStatus>,
    /// Status after.
    #[diesel(deserialize_as = StoredOpt<ReferralStatus, referral_events::to_status>)]
    pub to_status: Option<ReferralStatus>,
    /// Which side acted.
    #[diesel(deserialize_as = Stored<Side, referral_events::side>)]
    pub side: Side,
    /// Who.
    #[diesel(deserialize_as = StoredOpt<UserId, referral_events::actor_id>)]
    pub actor_id: Option<UserId>,
    /// JSON: ids and codes only.
    pub details: String,
    /// When.
    pub occurred_at: NaiveDateTime,
}

text_columns!(
    referral_events.referral_id,
    referral_events.kind,
    referral_events.from_status,
    referral_events.to_status,
    referral_events.side,
    referral_events.actor_id
);

/// A referral's timeline, oldest first.
pub fn events(conn: &mut DbConnection, view: &SideView) -> Result<Vec<Event>, PersistenceError> {
    Ok(referral_events::table
        .filter(referral_events::referral_id.eq(view.id().to_string()))
        .order((referral_events::occurred_at.asc(), referral_events::id.asc()))
        .select(Event::as_select())
        .load(conn)?)
}

#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub(crate) fn append_event(
    conn: &mut DbConnection,
    referral_id: ReferralId,
    kind: ReferralEventKind,
    change: Option<(ReferralStatus, ReferralStatus)>,
    side: Side,
    actor_id: Option<UserId>,
    details: Value,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::insert_into(referral_events::table)
        .values((
            referral_events::id.eq(Uuid::now_v7().to_string()),
            referral_events::referral_id.eq(referral_id.to_string()),
            referral_events::kind.eq(kind.as_str()),
            referral_events::from_status.eq(change.map(|(f, _)| f.as_str())),
            referral_events::to_status.eq(change.map(|(_, t)| t.as_str())),
            referral_events::side.eq(side.as_str()),
            referral_events::actor_id.eq(actor_id.map(|a| a.to_string())),
            referral_events::details.eq(details.to_string()),
            referral_events::occurred_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// What the sender chose for a new referral.
#[derive(Debug, Clone)]
pub struct NewReferral<'a> {
    /// The sender's case.
    pub case_id: CaseId,
    /// The service.
    pub service_id: ServiceId,
    /// The fields to share.
    pub fields: &'a [PacketField],
    /// A message to the receiver.
    pub message: Option<&'a str>,
    /// The justification of a consent override (only used when no consent
    /// covers the referral; the caller checks the permission).
    pub override_reason: Option<&'a str>,
    /// Who drafts it.
    pub created_by: UserId,
    /// Today (for the consent gate).
    pub today: NaiveDate,
    /// Now.
    pub at: NaiveDateTime,
}

const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const REFERENCE_ATTEMPTS: usize = 16;

fn random_reference() -> String {
    // The last 8 bytes of a UUIDv7 are random (62 bits).
    let bytes = Uuid::now_v7().into_bytes();
    let mut n =
        u64::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]]);
    let mut out = String::from("R-");
    for _ in 0..6 {
        out.push(char::from(REFERENCE_ALPHABET[(n % 32) as usize]));
        n /= 32;
    }
    out
}

/// Drafts a referral from a case of the scope's tenant: checks the intake
/// and the consent gate (an override needs a non-empty reason), copies the
/// chosen fields into the packet and appends `created`. Returns the
/// sender's view of the draft.
pub fn create_draft(
    conn: &mut DbConnection,
    scope: &TenantScope,
    new: &NewReferral<'_>,
) -> Result<SideView, ReferralError> {
    let case = cases::find(conn, scope, new.case_id)?;
    let (case_id, beneficiary_id) = (case.id.to_string(), case.beneficiary_id.to_string());
    let service = directory::find_service(conn, new.service_id)?;
    if !service.intake_open {
        return Err(ReferralError::IntakeClosed);
    }
    if new.fields.is_empty() {
        return Err(ReferralError::EmptyPacket);
    }
    let override_reason = new.override_reason.map(str::trim).filter(|r| !r.is_empty());
    let person_id = case.beneficiary_id;
    let consent_id = match consent_gate(conn, scope, person_id, &service, new.today)? {
        ConsentGate::Covered(consent) => Some(consent.id.to_string()),
        ConsentGate::Blocked(reason) if override_reason.is_none() => {
            return Err(ReferralError::ConsentRequired(reason));
        }
        ConsentGate::Blocked(_) => None,
    };
    let person = beneficiaries::find(conn, scope, person_id)?;
    if person.erased_at.is_some() {
        return Err(PersistenceError::NotFound.into());
    }
    let packet = Value::Object(build_packet(&person, new.fields)).to_string();
    let id = ReferralId::new();
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = random_reference();
        let inserted = write_tx(conn, |conn| {
            diesel::insert_into(referrals::table)
                .values((
                    referrals::id.eq(id.to_string()),
                    referrals::reference.eq(&reference),
                    referrals::sender_tenant_id.eq(scope.key()),
                    referrals::sender_case_id.eq(&case_id),
                    referrals::sender_beneficiary_id.eq(&beneficiary_id),
                    referrals::service_id.eq(service.id.to_string()),
                    referrals::receiver_tenant_id.eq(service.owner_tenant_id.map(|t| t.to_string())),
                    referrals::receiver_organisation_id.eq(service.owner_organisation_id.map(|o| o.to_string())),
                    referrals::consent_id.eq(&consent_id),
                    referrals::consent_override_reason.eq(consent_id.is_none().then_some(override_reason).flatten()),
                    referrals::status.eq(ReferralStatus::Draft.as_str()),
                    referrals::packet.eq(&packet),
                    referrals::message.eq(new.message.map(str::trim).filter(|m| !m.is_empty())),
                    referrals::created_by.eq(new.created_by.to_string()),
                    referrals::version.eq(1),
                    referrals::created_at.eq(new.at),
                    referrals::updated_at.eq(new.at),
                ))
                .execute(conn)
                .map_err(PersistenceError::from)
        });
        match inserted {
            Ok(_) => {
                let fields: Vec<&str> = new.fields.iter().map(PacketField::as_str).collect();
                let details = json!({ "service_id": service.id, "consent_id": consent_id,
                    "override": consent_id.is_none(), "fields": fields });
                let (kind, by) = (ReferralEventKind::Created, Some(new.created_by));
                append_event(conn, id, kind, None, Side::Sender, by, details, new.at)?;
                return Ok(super::for_sender(conn, scope, id)?);
            }
            Err(PersistenceError::Conflict(Conflict::Duplicate(Duplicate::ReferralReference))) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Err(PersistenceError::Conflict(Conflict::Duplicate(Duplicate::ReferralReference)).into())
}

/// Sends a draft (refused when the service's intake has closed since): sets
/// `sent_at`, `sent_by` and `due_at`.
pub fn send(
    conn: &mut DbConnection,
    view: &SideView,
    actor_id: UserId,
    at: NaiveDateTime,
) -> Result<Transition, ReferralError> {
    let r = view.referral();
    if r.status == ReferralStatus::Draft && !directory::find_service(conn, r.service_id)?.intake_open {
        return Err(ReferralError::IntakeClosed);
    }
    apply(conn, view, ReferralAction::Send, Some(actor_id), at, None)
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = referrals)]
struct Changes {
    status: Option<String>,
    updated_at: Option<NaiveDateTime>,
    sent_by: Option<String>,
    sent_at: Option<NaiveDateTime>,
    due_at: Option<NaiveDateTime>,
    answered_at: Option<NaiveDateTime>,
    decline_reason: Option<String>,
    decline_text: Option<String>,
    outcome: Option<String>,
    not_completed_reason: Option<String>,
    closed_at: Option<NaiveDateTime>,
    packet: Option<String>,
}

/// Whether a view may take an action: the sender's actions through the
/// sender's view, the receiver's through the receiver's or the link, the
/// expiry by the platform, a revocation by the sender (withdrawing the
/// consent) or the platform.
fn may_take(via: Via, action: ReferralAction) -> bool {
    match action.side() {
        Side::Sender => via == Via::Sender,
        Side::Receiver => matches!(via, Via::Receiver | Via::Link),
        Side::System => match action {
            ReferralAction::Revoke => matches!(via, Via::Sender | Via::Platform),
            _ => via == Via::Platform,
        },
    }
}

/// Applies an action through a view (the re-read status decides; the
/// optional text is the explanation of a decline). A changed status updates
/// the matching columns and appends an event; [`Transition::Unchanged`]
/// changes nothing.
pub fn apply(
    conn: &mut DbConnection,
    view: &SideView,
    action: ReferralAction,
    actor_id: Option<UserId>,
    at: NaiveDateTime,
    text: Option<&str>,
) -> Result<Transition, ReferralError> {
    if !may_take(view.via(), action) {
        return Err(ReferralError::WrongSide);
    }
    let (id, side) = (view.id(), action.side());
    let r = view.refreshed(conn)?;
    let r = r.referral();
    let from = r.status;
    let to = match referral::apply(from, action)? {
        Transition::Unchanged => return Ok(Transition::Unchanged),
        Transition::Changed(to) => to,
    };
    let mut c = Changes { status: Some(to.as_str().to_owned()), updated_at: Some(at), ..Changes::default() };
    let mut details = json!({});
    match action {
        ReferralAction::Send => {
            let days = directory::find_service(conn, r.service_id)?.response_days;
            c.sent_by = actor_id.map(|a| a.to_string());
            c.sent_at = Some(at);
            c.due_at = Some(at + Duration::days(i64::from(days)));
        }
        ReferralAction::Accept => c.answered_at = Some(at),
        ReferralAction::Decline(reason) => {
            c.answered_at = Some(at);
            c.closed_at = Some(at);
            c.decline_reason = Some(reason.as_str().to_owned());
            c.decline_text = text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
            details = json!({ "reason": reason.as_str() });
        }
        ReferralAction::Complete(outcome) => {
            c.closed_at = Some(at);
            c.outcome = Some(outcome.as_str().to_owned());
            details = json!({ "outcome": outcome.as_str() });
        }
        ReferralAction::NotComplete(reason) => {
            c.closed_at = Some(at);
            c.not_completed_reason = Some(reason.as_str().to_owned());
            details = json!({ "reason": reason.as_str() });
        }
        ReferralAction::Revoke => {
            // The copy shared with the receiver is erased with the consent it relied on.
            c.closed_at = Some(at);
            c.packet = Some("{}".to_owned());
            details = json!({ "consent_id": r.consent_id });
        }
        ReferralAction::Withdraw | ReferralAction::Expire => c.closed_at = Some(at),
        ReferralAction::Start => {}
    }
    let changed = diesel::update(
        referrals::table.filter(referrals::id.eq(id.to_string())).filter(referrals::status.eq(from.as_str())),
    )
    .set((c, referrals::version.eq(referrals::version + 1)))
    .execute(conn)?;
    if changed == 0 {
        return Err(PersistenceError::Unavailable("a concurrent change moved the referral; try again".into()).into());
    }
    append_event(conn, id, action.event_kind(), Some((from, to)), side, actor_id, details, at)?;
    Ok(Transition::Changed(to))
}

/// Revokes every open referral of the scope's tenant relying on a withdrawn
/// consent (its packet erased), in the withdrawing transaction; returns the
/// revoked referrals' ids and the status each was in.
pub fn revoke_for_consent(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: &ConsentWithdrawn,
    at: NaiveDateTime,
) -> Result<Vec<(ReferralId, ReferralStatus)>, PersistenceError> {
    let open: Vec<&str> = ReferralStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect();
    let ids: Vec<String> = referrals::table
        .filter(referrals::sender_tenant_id.eq(scope.key()))
        .filter(referrals::consent_id.eq(event.consent_id.to_string()))
        .filter(referrals::status.eq_any(open))
        .select(referrals::id)
        .load(conn)?;
    let by = Some(event.withdrawn_by);
    let mut revoked = Vec::new();
    for id in ids {
        let id: ReferralId = id.parse().map_err(|_| PersistenceError::NotFound)?;
        let view = super::for_sender(conn, scope, id)?;
        let from = view.referral().status;
        let changed = apply(conn, &view, ReferralAction::Revoke, by, at, None).map_err(|e| match e {
            ReferralError::Persistence(p) => p,
            ReferralError::Illegal(illegal) => PersistenceError::Conflict(Conflict::IllegalTransition(illegal)),
            other => PersistenceError::Unavailable(other.to_string()),
        })?;
        if matches!(changed, Transition::Changed(_)) {
            revoked.push((id, from));
        }
    }
    Ok(revoked)
}

/// The referrals of the scope's tenant revoked because this consent was
/// withdrawn (for the notices to their receivers).
pub fn revoked_by_consent(
    conn: &mut DbConnection,
    scope: &TenantScope,
    consent_id: ConsentId,
) -> Result<Vec<Referral>, PersistenceError> {
    Ok(referrals::table
        .filter(referrals::sender_tenant_id.eq(scope.key()))
        .filter(referrals::consent_id.eq(consent_id.to_string()))
        .filter(referrals::status.eq(ReferralStatus::Revoked.as_str()))
        .select(Referral::as_select())
        .load(conn)?)
}
