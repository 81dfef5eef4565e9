//! The OpenAPI schemas of the closed code lists, built from the lists
//! themselves (`ALL`), so the document always names every code the API
//! sends or accepts.

use relais_domain::Region;
use relais_domain::beneficiary::Sex;
use relais_domain::case_file::Pathway;
use relais_domain::outreach::{
    AgeBand, AttendanceStatus, AttendeeInterest, EventKind, EventStatus, EventTopic, TrainingAudience,
};
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome, ReferralStatus, Side};
use relais_persistence::models::referrals::PacketField;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};

fn codes(values: Vec<&'static str>, nullable: bool) -> Schema {
    let kind =
        if nullable { SchemaType::Array(vec![Type::String, Type::Null]) } else { SchemaType::Type(Type::String) };
    let mut values: Vec<serde_json::Value> = values.into_iter().map(Into::into).collect();
    if nullable {
        values.push(serde_json::Value::Null);
    }
    Schema::Object(ObjectBuilder::new().schema_type(kind).enum_values(Some(values)).build())
}

macro_rules! code_schemas {
    ($($name:ident => $ty:ty, $nullable:literal;)+) => {
        $(
            #[doc = concat!("The codes of `", stringify!($ty), "` (or null when the flag says so).")]
            pub(crate) fn $name() -> Schema {
                codes(<$ty>::ALL.iter().map(|c| c.as_str()).collect(), $nullable)
            }
        )+
    };
}

code_schemas! {
    referral_status => ReferralStatus, false;
    referral_status_opt => ReferralStatus, true;
    referral_side => Side, false;
    decline_reason => DeclineReason, false;
    decline_reason_opt => DeclineReason, true;
    referral_outcome => ReferralOutcome, false;
    referral_outcome_opt => ReferralOutcome, true;
    not_completed_reason => NotCompletedReason, false;
    not_completed_reason_opt => NotCompletedReason, true;
    pathway => Pathway, false;
    event_kind => EventKind, false;
    event_status => EventStatus, false;
    event_status_opt => EventStatus, true;
    training_audience_opt => TrainingAudience, true;
    region => Region, false;
    attendance_status => AttendanceStatus, false;
    sex => Sex, false;
    age_band => AgeBand, false;
}

fn code_array(values: Vec<&'static str>) -> Schema {
    Schema::Array(ArrayBuilder::new().items(utoipa::openapi::RefOr::T(codes(values, false))).build())
}

/// The event topic codes, as an array.
pub(crate) fn event_topics() -> Schema {
    code_array(EventTopic::ALL.iter().map(|c| c.as_str()).collect())
}

/// The attendee interest codes, as an array.
pub(crate) fn interests() -> Schema {
    code_array(AttendeeInterest::ALL.iter().map(|c| c.as_str()).collect())
}

/// The packet field codes, as an array.
pub(crate) fn packet_fields() -> Schema {
    code_array(PacketField::ALL.iter().map(PacketField::as_str).collect())
}
