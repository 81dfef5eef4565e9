//! `consents`: what a person agreed to, per purpose (case management,
//! referral to a named partner, photos, statistics), how, when and until
//! when, and its withdrawal. Tenant-owned.
//!
//! # Withdrawal is an event
//!
//! [`withdraw`] marks the consent withdrawn and returns a [`ConsentWithdrawn`]
//! describing it. The application layer's withdrawal command hands that
//! event, inside the same transaction, to every subscriber registered for
//! it (`relais_app::events`): the referral work revokes every open referral
//! the consent covered and tells the receiving tenant. A subscriber that
//! fails makes the whole withdrawal fail and roll back, so a consent is
//! never withdrawn while a referral it covered stays open.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose};
use relais_domain::{Conflict, Language};
use uuid::Uuid;

use crate::schema::consents;
use crate::{DbConnection, PersistenceError, TenantScope, now};

/// A consent as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = consents)]
pub struct Consent {
    /// Owning tenant.
    pub tenant_id: String,
    /// Id (UUIDv7 text).
    pub id: String,
    /// The person.
    pub beneficiary_id: String,
    /// Purpose code (see [`ConsentPurpose`]).
    pub purpose: String,
    /// For a referral consent: the partner tenant it covers.
    pub partner_tenant_id: Option<String>,
    /// For a referral consent: the service it covers.
    pub service_ref: Option<String>,
    /// Channel code (see [`ConsentChannel`]).
    pub channel: String,
    /// Language the person was informed in.
    pub language: String,
    /// Date given.
    pub given_on: NaiveDate,
    /// Date it lapses, if any.
    pub expires_on: Option<NaiveDate>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// Witness (oral consent).
    pub witness: Option<String>,
    /// Date withdrawn.
    pub withdrawn_on: Option<NaiveDate>,
    /// Who recorded the withdrawal.
    pub withdrawn_by: Option<String>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
}

/// A consent to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    /// Purpose.
    pub purpose: ConsentPurpose,
    /// Partner tenant (referral consents).
    pub partner_tenant_id: Option<String>,
    /// Service (referral consents).
    pub service_ref: Option<String>,
    /// Channel.
    pub channel: ConsentChannel,
    /// Language the person was informed in.
    pub language: Language,
    /// Date given.
    pub given_on: NaiveDate,
    /// Date it lapses.
    pub expires_on: Option<NaiveDate>,
    /// Witness of an oral consent.
    pub witness: Option<String>,
}

/// Records a consent for a person of the scope's tenant.
pub fn record(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
    new: &NewConsent,
    recorded_by: Option<&str>,
) -> Result<Consent, PersistenceError> {
    let person = super::beneficiaries::find(conn, scope, beneficiary_id)?;
    if person.erased_at.is_some() {
        return Err(PersistenceError::Conflict(Conflict::Erased));
    }
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(consents::table)
        .values((
            consents::tenant_id.eq(scope.key()),
            consents::id.eq(&id),
            consents::beneficiary_id.eq(beneficiary_id),
            consents::purpose.eq(new.purpose.as_str()),
            consents::partner_tenant_id.eq(&new.partner_tenant_id),
            consents::service_ref.eq(&new.service_ref),
            consents::channel.eq(new.channel.as_str()),
            consents::language.eq(new.language.as_str()),
            consents::given_on.eq(new.given_on),
            consents::expires_on.eq(new.expires_on),
            consents::recorded_by.eq(recorded_by),
            consents::witness.eq(&new.witness),
            consents::created_at.eq(now()),
        ))
        .execute(conn)?;
    find(conn, scope, beneficiary_id, &id)
}

/// One consent of a person of the scope's tenant.
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
    id: &str,
) -> Result<Consent, PersistenceError> {
    Ok(consents::table
        .filter(consents::tenant_id.eq(scope.key()))
        .filter(consents::beneficiary_id.eq(beneficiary_id))
        .filter(consents::id.eq(id))
        .select(Consent::as_select())
        .first(conn)?)
}

/// A person's consents, most recent first.
pub fn list_for(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
) -> Result<Vec<Consent>, PersistenceError> {
    Ok(consents::table
        .filter(consents::tenant_id.eq(scope.key()))
        .filter(consents::beneficiary_id.eq(beneficiary_id))
        .order((consents::given_on.desc(), consents::created_at.desc()))
        .select(Consent::as_select())
        .load(conn)?)
}

/// A consent was withdrawn: what [`withdraw`] returns and the application
/// layer's subscribers receive. Ids and codes only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsentWithdrawn {
    /// The tenant that holds the consent.
    pub tenant_id: String,
    /// The consent.
    pub consent_id: String,
    /// The person.
    pub beneficiary_id: String,
    /// What it covered.
    pub purpose: ConsentPurpose,
    /// The partner tenant it covered (referral consents).
    pub partner_tenant_id: Option<String>,
    /// The service it covered (referral consents).
    pub service_ref: Option<String>,
    /// Date of withdrawal.
    pub withdrawn_on: NaiveDate,
    /// Who recorded the withdrawal.
    pub withdrawn_by: String,
}

/// Withdraws a consent (once: a second withdrawal is a
/// [`Conflict::AlreadyWithdrawn`]) and returns the event. Call it inside a
/// write transaction, and publish the event in it.
pub fn withdraw(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
    id: &str,
    by: &str,
    on: NaiveDate,
) -> Result<ConsentWithdrawn, PersistenceError> {
    let consent = find(conn, scope, beneficiary_id, id)?;
    let purpose = consent.purpose.parse::<ConsentPurpose>().map_err(|e| PersistenceError::Config(e.to_string()))?;
    let changed = diesel::update(
        consents::table
            .filter(consents::tenant_id.eq(scope.key()))
            .filter(consents::id.eq(id))
            .filter(consents::withdrawn_on.is_null()),
    )
    .set((consents::withdrawn_on.eq(Some(on)), consents::withdrawn_by.eq(Some(by))))
    .execute(conn)?;
    if changed == 0 {
        return Err(PersistenceError::Conflict(Conflict::AlreadyWithdrawn));
    }
    let event = ConsentWithdrawn {
        tenant_id: consent.tenant_id,
        consent_id: consent.id,
        beneficiary_id: consent.beneficiary_id,
        purpose,
        partner_tenant_id: consent.partner_tenant_id,
        service_ref: consent.service_ref,
        withdrawn_on: on,
        withdrawn_by: by.to_owned(),
    };
    Ok(event)
}

/// Whether a person holds, on `on_date`, a consent for `purpose` that was
/// given by then, has not lapsed and was not withdrawn by then. For a
/// referral consent the partner tenant must be the one named.
pub fn is_valid_for(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
    purpose: ConsentPurpose,
    partner_tenant_id: Option<&str>,
    on_date: NaiveDate,
) -> Result<bool, PersistenceError> {
    let all = list_for(conn, scope, beneficiary_id)?;
    Ok(all.iter().any(|c| {
        c.purpose == purpose.as_str()
            && c.given_on <= on_date
            && c.expires_on.is_none_or(|e| e >= on_date)
            && c.withdrawn_on.is_none_or(|w| w > on_date)
            && (purpose != ConsentPurpose::Referral || c.partner_tenant_id.as_deref() == partner_tenant_id)
    }))
}
