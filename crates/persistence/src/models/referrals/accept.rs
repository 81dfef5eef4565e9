//! Accepting a referral: the receiving tenant's own person (new from the
//! packet, or linked after the duplicate check) and case.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::beneficiary::Sex;
use relais_domain::case_file::Pathway;
use relais_domain::ids::{BeneficiaryId, UserId};
use relais_domain::phone::PhoneNumber;
use relais_domain::referral::{ReferralAction, Transition};
use relais_domain::{EmailAddress, Region};
use serde_json::{Map, Value};

use super::{PacketField, ReferralError, SideView, Via, apply};
use crate::models::beneficiaries::{self, BeneficiaryFields};
use crate::models::cases::{self, NewCase};
use crate::schema::referrals;
use crate::{DbConnection, PersistenceError, TenantScope};

/// How an accepted referral's person is recorded in the receiving tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptLink {
    /// A person the receiving tenant already follows (after the duplicate check).
    Existing(BeneficiaryId),
    /// A new person, from the packet.
    New,
}

fn packet_text(packet: &Map<String, Value>, field: PacketField) -> Option<String> {
    packet.get(field.as_str()).and_then(Value::as_str).map(str::to_owned).filter(|v| !v.trim().is_empty())
}

/// The receiving tenant's new person, from a packet (what it lacks stays empty).
pub fn person_from_packet(packet: &Map<String, Value>, reference: &str) -> BeneficiaryFields {
    let get = |f| packet_text(packet, f);
    let list = |f| get(f).map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect());
    BeneficiaryFields {
        given_names: get(PacketField::GivenNames).unwrap_or_else(|| reference.to_owned()),
        family_names: get(PacketField::FamilyNames).unwrap_or_default(),
        arabic_name: get(PacketField::ArabicName),
        sex: get(PacketField::Sex).and_then(|s| s.parse::<Sex>().ok()).unwrap_or(Sex::Unknown),
        birth_date: None,
        birth_year: get(PacketField::BirthYear).and_then(|y| y.parse().ok()),
        nationalities: list(PacketField::Nationalities).unwrap_or_default(),
        languages: list(PacketField::Languages).unwrap_or_default(),
        phone: get(PacketField::Phone).and_then(|p| PhoneNumber::parse(&p).ok()),
        whatsapp: get(PacketField::Whatsapp).and_then(|p| PhoneNumber::parse(&p).ok()),
        email: get(PacketField::Email).and_then(|e| EmailAddress::parse(&e).ok()),
        city: get(PacketField::City),
        region: get(PacketField::Region).and_then(|r| r.parse::<Region>().ok()),
        household_size_morocco: None,
        household_size_origin: None,
        education_level: get(PacketField::EducationLevel).and_then(|e| e.parse().ok()),
        previous_occupation: get(PacketField::PreviousOccupation),
        skills: get(PacketField::Skills),
        regularisation_year: None,
    }
}

/// The receiving tenant accepts through its view: links the referral to one
/// of its people (or creates one from the packet), opens a case assigned to
/// the accepting user and stores both ids. A repeated accept changes
/// nothing. A packet that does not parse is an error, never an empty person.
pub fn accept(
    conn: &mut DbConnection,
    scope: &TenantScope,
    view: &SideView,
    link: &AcceptLink,
    pathway: Pathway,
    actor_id: UserId,
    at: NaiveDateTime,
) -> Result<Transition, ReferralError> {
    if view.via() != Via::Receiver || view.referral().receiver_tenant_id != Some(scope.tenant_id()) {
        return Err(ReferralError::WrongSide);
    }
    let transition = apply(conn, view, ReferralAction::Accept, Some(actor_id), at, None)?;
    if transition == Transition::Unchanged {
        return Ok(transition);
    }
    let r = view.referral();
    let packet: Map<String, Value> = serde_json::from_str(&r.packet).map_err(|e| {
        PersistenceError::Database(diesel::result::Error::DeserializationError(
            format!("column referrals.packet of {} is not a JSON object: {e}", r.id).into(),
        ))
    })?;
    let person_id = match link {
        AcceptLink::Existing(person) => beneficiaries::find(conn, scope, *person)?.id,
        AcceptLink::New => {
            beneficiaries::create(conn, scope, &person_from_packet(&packet, &r.reference), Some(actor_id), at)?.id
        }
    };
    let case = cases::create(
        conn,
        scope,
        &NewCase {
            beneficiary_id: person_id,
            pathway,
            intake_date: at.date(),
            referral_source: Some(&r.reference),
            goals: None,
            created_by: actor_id,
        },
        at,
    )?;
    cases::assign(conn, scope, case.id, actor_id, actor_id, at).map_err(|e| match e {
        cases::CaseError::Persistence(p) => ReferralError::Persistence(p),
        cases::CaseError::NotAssignable => ReferralError::WrongSide,
    })?;
    diesel::update(referrals::table.filter(referrals::id.eq(r.id.to_string())))
        .set((
            referrals::receiver_beneficiary_id.eq(person_id.to_string()),
            referrals::receiver_case_id.eq(case.id.to_string()),
        ))
        .execute(conn)?;
    Ok(transition)
}
