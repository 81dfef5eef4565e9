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
use relais_domain::{BeneficiaryId, Conflict, ConsentId, Language, TenantId, UserId};

use crate::schema::consents;
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    consents.tenant_id,
    consents.id,
    consents.beneficiary_id,
    consents.purpose,
    consents.partner_tenant_id,
    consents.channel,
    consents.language,
    consents.recorded_by,
    consents.withdrawn_by,
);

/// A consent as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = consents)]
pub struct Consent {
    /// Owning tenant.
    #[diesel(deserialize_as = Stored<TenantId, consents::tenant_id>)]
    pub tenant_id: TenantId,
    /// Id.
    #[diesel(deserialize_as = Stored<ConsentId, consents::id>)]
    pub id: ConsentId,
    /// The person.
    #[diesel(deserialize_as = Stored<BeneficiaryId, consents::beneficiary_id>)]
    pub beneficiary_id: BeneficiaryId,
    /// Purpose.
    #[diesel(deserialize_as = Stored<ConsentPurpose, consents::purpose>)]
    pub purpose: ConsentPurpose,
    /// For a referral consent: the partner tenant it covers.
    #[diesel(deserialize_as = StoredOpt<TenantId, consents::partner_tenant_id>)]
    pub partner_tenant_id: Option<TenantId>,
    /// For a referral consent: the service it covers.
    pub service_ref: Option<String>,
    /// Channel.
    #[diesel(deserialize_as = Stored<ConsentChannel, consents::channel>)]
    pub channel: ConsentChannel,
    /// Language the person was informed in.
    #[diesel(deserialize_as = Stored<Language, consents::language>)]
    pub language: Language,
    /// Date given.
    pub given_on: NaiveDate,
    /// Date it lapses, if any.
    pub expires_on: Option<NaiveDate>,
    /// Who recorded it.
    #[diesel(deserialize_as = StoredOpt<UserId, consents::recorded_by>)]
    pub recorded_by: Option<UserId>,
    /// Witness (oral consent).
    pub witness: Option<String>,
    /// Date withdrawn.
    pub withdrawn_on: Option<NaiveDate>,
    /// Who recorded the withdrawal.
    #[diesel(deserialize_as = StoredOpt<UserId, consents::withdrawn_by>)]
    pub withdrawn_by: Option<UserId>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
}

impl Consent {
    /// Whether it holds on `on_date`: given by then, not lapsed and not
    /// withdrawn by then.
    pub fn holds_on(&self, on_date: NaiveDate) -> bool {
        self.given_on <= on_date
            && self.expires_on.is_none_or(|e| e >= on_date)
            && self.withdrawn_on.is_none_or(|w| w > on_date)
    }
}

/// A consent to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    /// Purpose.
    pub purpose: ConsentPurpose,
    /// Partner tenant (referral consents).
    pub partner_tenant_id: Option<TenantId>,
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

/// Records a consent for a person of the scope's tenant at `at` (refused
/// with [`Conflict::Erased`] for an erased person).
pub fn record(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    new: &NewConsent,
    recorded_by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<Consent, PersistenceError> {
    super::beneficiaries::find_active(conn, scope, beneficiary_id)?;
    let id = ConsentId::new();
    diesel::insert_into(consents::table)
        .values((
            consents::tenant_id.eq(scope.key()),
            consents::id.eq(id.to_string()),
            consents::beneficiary_id.eq(beneficiary_id.to_string()),
            consents::purpose.eq(new.purpose.as_str()),
            consents::partner_tenant_id.eq(new.partner_tenant_id.map(|t| t.to_string())),
            consents::service_ref.eq(&new.service_ref),
            consents::channel.eq(new.channel.as_str()),
            consents::language.eq(new.language.as_str()),
            consents::given_on.eq(new.given_on),
            consents::expires_on.eq(new.expires_on),
            consents::recorded_by.eq(recorded_by.map(|u| u.to_string())),
            consents::witness.eq(&new.witness),
            consents::created_at.eq(at),
        ))
        .execute(conn)?;
    find(conn, scope, beneficiary_id, id)
}

/// One consent of a person of the scope's tenant.
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    id: ConsentId,
) -> Result<Consent, PersistenceError> {
    Ok(consents::table
        .filter(consents::tenant_id.eq(scope.key()))
        .filter(consents::beneficiary_id.eq(beneficiary_id.to_string()))
        .filter(consents::id.eq(id.to_string()))
        .select(Consent::as_select())
        .first(conn)?)
}

/// A person's consents, most recent first.
pub fn list_for(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
) -> Result<Vec<Consent>, PersistenceError> {
    Ok(consents::table
        .filter(consents::tenant_id.eq(scope.key()))
        .filter(consents::beneficiary_id.eq(beneficiary_id.to_string()))
        .order((consents::given_on.desc(), consents::created_at.desc()))
        .select(Consent::as_select())
        .load(conn)?)
}

/// A consent was withdrawn: what [`withdraw`] returns and the application
/// layer's subscribers receive. Ids and codes only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsentWithdrawn {
    /// The tenant that holds the consent.
    pub tenant_id: TenantId,
    /// The consent.
    pub consent_id: ConsentId,
    /// The person.
    pub beneficiary_id: BeneficiaryId,
    /// What it covered.
    pub purpose: ConsentPurpose,
    /// The partner tenant it covered (referral consents).
    pub partner_tenant_id: Option<TenantId>,
    /// The service it covered (referral consents).
    pub service_ref: Option<String>,
    /// Date of withdrawal.
    pub withdrawn_on: NaiveDate,
    /// Who recorded the withdrawal.
    pub withdrawn_by: UserId,
}

/// Withdraws a consent on `on` (once: a second withdrawal is a
/// [`Conflict::AlreadyWithdrawn`]) and returns the event. Call it inside a
/// write transaction, and publish the event in it.
pub fn withdraw(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    id: ConsentId,
    by: UserId,
    on: NaiveDate,
) -> Result<ConsentWithdrawn, PersistenceError> {
    let consent = find(conn, scope, beneficiary_id, id)?;
    let changed = diesel::update(
        consents::table
            .filter(consents::tenant_id.eq(scope.key()))
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::withdrawn_on.is_null()),
    )
    .set((consents::withdrawn_on.eq(Some(on)), consents::withdrawn_by.eq(Some(by.to_string()))))
    .execute(conn)?;
    if changed == 0 {
        return Err(PersistenceError::Conflict(Conflict::AlreadyWithdrawn));
    }
    Ok(ConsentWithdrawn {
        tenant_id: consent.tenant_id,
        consent_id: consent.id,
        beneficiary_id: consent.beneficiary_id,
        purpose: consent.purpose,
        partner_tenant_id: consent.partner_tenant_id,
        service_ref: consent.service_ref,
        withdrawn_on: on,
        withdrawn_by: by,
    })
}

/// Whether a person holds, on `on_date`, a consent for `purpose` that was
/// given by then, has not lapsed and was not withdrawn by then. For a
/// referral consent the partner tenant must be the one named.
pub fn is_valid_for(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    purpose: ConsentPurpose,
    partner_tenant_id: Option<TenantId>,
    on_date: NaiveDate,
) -> Result<bool, PersistenceError> {
    let all = list_for(conn, scope, beneficiary_id)?;
    Ok(all.iter().any(|c| {
        c.purpose == purpose
            && c.holds_on(on_date)
            && (purpose != ConsentPurpose::Referral || c.partner_tenant_id == partner_tenant_id)
    }))
}
