//! Referral notices: who is told what, in which language, exactly once.
//!
//! [`notify`] writes the notice e-mails of one referral event to the outbox
//! in the command's transaction. Audiences:
//!
//! - **receiver** (received, withdrawn, revoked, reminder, a sender's
//!   comment): the service's focal-point address and the receiving tenant's
//!   active caseworkers and administrators;
//! - **receiver administrators** (escalation): the receiving tenant's
//!   active administrators;
//! - **sender** (accepted, declined, expired, started, completed, not
//!   completed, a receiver's comment): whoever sent (or drafted) the
//!   referral and the sending case's assigned workers.
//!
//! Users who chose the daily digest (`users.referral_emails`) are skipped:
//! the digest job collects their events from `referral_events`. Each
//! recipient gets the e-mail in their preferred language, else in their
//! tenant's default language. The idempotency key
//! `referral:{id}:{notice}:{recipient}` makes a repeat send nothing twice.
//! A referral to an external organisation (no receiving tenant) only
//! reaches the focal point; its link is issued when it is sent and passed
//! as `link`.

use std::collections::BTreeMap;

use relais_domain::referral::Side;
use relais_domain::{ConsentId, EmailAddress, Language, TenantId, TenantRole};
use relais_email::{Email, ReferralNotice, enqueue};
use relais_persistence::models::referrals::{self, Recipient, Referral};
use relais_persistence::models::{directory, tenants};
use relais_persistence::{DbConnection, PersistenceError, TenantScope};

use crate::error::AppResult;

/// Who a notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    /// The receiving side (focal point and the receiving tenant's workers).
    Receiver,
    /// The receiving tenant's administrators only.
    ReceiverAdmins,
    /// The sending side.
    Sender,
}

impl Audience {
    /// The audience of a notice; a comment goes to the side that did not write it.
    pub(crate) fn of(notice: ReferralNotice, author_side: Side) -> Audience {
        match notice {
            ReferralNotice::Received
            | ReferralNotice::Withdrawn
            | ReferralNotice::Revoked
            | ReferralNotice::Reminder => Audience::Receiver,
            ReferralNotice::Escalation => Audience::ReceiverAdmins,
            ReferralNotice::Comment if author_side == Side::Sender => Audience::Receiver,
            _ => Audience::Sender,
        }
    }
}

/// One notice to write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Notice<'a> {
    /// What happened.
    pub(crate) notice: ReferralNotice,
    /// Who caused it (decides where a comment goes).
    pub(crate) author_side: Side,
    /// A distinguishing part of the idempotency key for notices that can
    /// happen more than once (a comment's id); `None` otherwise.
    pub(crate) occurrence: Option<&'a str>,
    /// The link to put in the e-mail; `None` links `{public_url}/referrals/{id}`.
    pub(crate) link: Option<&'a str>,
}

/// The notices reach the members of both sides: the platform acts for each.
fn scope_of(tenant: TenantId) -> TenantScope {
    TenantScope::for_system(tenant)
}

fn default_language(conn: &mut DbConnection, tenant_id: TenantId) -> Result<Language, PersistenceError> {
    Ok(tenants::find(conn, &tenant_id.to_string())?.default_language)
}

/// Adds members (skipping digest readers), keyed by lower-cased address.
fn add_members(to: &mut BTreeMap<String, Language>, members: Vec<Recipient>, fallback: Language) {
    for m in members.into_iter().filter(|m| m.referral_emails != "daily_digest") {
        let lang = m.preferred_language.as_deref().and_then(|l| l.parse().ok()).unwrap_or(fallback);
        to.insert(m.email.to_lowercase(), lang);
    }
}

/// The recipients of a notice about a referral and their languages.
pub(crate) fn recipients(
    conn: &mut DbConnection,
    referral: &Referral,
    audience: Audience,
) -> Result<BTreeMap<String, Language>, PersistenceError> {
    let mut to = BTreeMap::new();
    match audience {
        Audience::Sender => {
            let lang = default_language(conn, referral.sender_tenant_id)?;
            let scope = scope_of(referral.sender_tenant_id);
            add_members(&mut to, referrals::sender_recipients(conn, &scope, referral)?, lang);
        }
        Audience::Receiver | Audience::ReceiverAdmins => {
            let lang = match referral.receiver_tenant_id {
                Some(t) => default_language(conn, t)?,
                None => Language::Fr,
            };
            if audience == Audience::Receiver {
                let service = directory::find_service(conn, referral.service_id)?;
                if !service.focal_point_email.trim().is_empty() {
                    to.insert(service.focal_point_email.trim().to_lowercase(), lang);
                }
            }
            if let Some(t) = referral.receiver_tenant_id {
                let roles: &[TenantRole] = if audience == Audience::Receiver {
                    &[TenantRole::Caseworker, TenantRole::TenantAdmin]
                } else {
                    &[TenantRole::TenantAdmin]
                };
                add_members(&mut to, referrals::members_with_roles(conn, &scope_of(t), roles)?, lang);
            }
        }
    }
    Ok(to)
}

/// Writes the notice e-mails of one referral event to the outbox (in the
/// command's transaction); returns how many recipients it was written for
/// (a repeat writes nothing new: the idempotency keys match).
pub(crate) fn notify(
    conn: &mut DbConnection,
    public_url: &str,
    referral: &Referral,
    notice: Notice<'_>,
) -> AppResult<usize> {
    let audience = Audience::of(notice.notice, notice.author_side);
    let to = recipients(conn, referral, audience)?;
    let service = directory::find_service(conn, referral.service_id)?;
    let link = notice.link.map_or_else(|| format!("{public_url}/referrals/{}", referral.id), str::to_owned);
    let tenant_scope = match audience {
        Audience::Sender => Some(scope_of(referral.sender_tenant_id)),
        _ => referral.receiver_tenant_id.map(scope_of),
    };
    let code = match notice.occurrence {
        Some(o) => format!("{}-{o}", notice.notice.code()),
        None => notice.notice.code().to_owned(),
    };
    let mut written = 0;
    for (address, lang) in to {
        let Ok(recipient) = EmailAddress::parse(&address) else {
            tracing::warn!(referral_id = %referral.id, "skipping an unusable recipient address");
            continue;
        };
        let email = Email::ReferralNotice {
            notice: notice.notice,
            reference: referral.reference.clone(),
            service_name: service.name(lang).to_owned(),
            link: link.clone(),
        };
        let key = format!("referral:{}:{code}:{address}", referral.id);
        enqueue(conn, tenant_scope.as_ref(), &recipient, lang, &email, &key)?;
        written += 1;
    }
    Ok(written)
}

/// The revocation notices after a consent withdrawal: one `revoked` notice
/// per sent referral of the tenant that the consent covered. Called in the
/// withdrawing transaction, after the revocation.
pub(crate) fn revocations(
    conn: &mut DbConnection,
    public_url: &str,
    scope: &TenantScope,
    consent_id: ConsentId,
) -> AppResult<usize> {
    let mut written = 0;
    // A draft never reached the receiver: nothing to tell it.
    for referral in referrals::revoked_by_consent(conn, scope, consent_id)?.into_iter().filter(|r| r.sent_at.is_some())
    {
        let notice =
            Notice { notice: ReferralNotice::Revoked, author_side: Side::System, occurrence: None, link: None };
        written += notify(conn, public_url, &referral, notice)?;
    }
    Ok(written)
}
