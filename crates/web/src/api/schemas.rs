//! The OpenAPI schemas of the closed code lists, built from the lists
//! themselves (`ALL`), so the document always names every code the API
//! sends or accepts.

use relais_domain::case_file::Pathway;
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
}

/// The packet field codes, as an array.
pub(crate) fn packet_fields() -> Schema {
    let item = codes(PacketField::ALL.iter().map(PacketField::as_str).collect(), false);
    Schema::Array(ArrayBuilder::new().items(utoipa::openapi::RefOr::T(item)).build())
}
