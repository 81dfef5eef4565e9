//! Typed pieces of page models that several pages show (a referral's packet,
//! the referrals of a case, code options), and the text forms of times.

use chrono::NaiveDateTime;
use relais_domain::Language;
use relais_persistence::models::referrals::{Listing, PacketField};
use serde::Serialize;
use serde_json::{Map, Value};

/// A time as shown: `YYYY-MM-DD HH:MM` (UTC).
pub(crate) fn time_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The translation-key form of a code (`not_eligible` → `not-eligible`).
pub(crate) fn key(code: &str) -> String {
    code.replace('_', "-")
}

/// A choice of a closed list: its code (the form value) and its key (the label's translation).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CodeOption {
    pub(crate) code: &'static str,
    pub(crate) key: String,
}

impl CodeOption {
    /// The options of a list of codes, in order.
    pub(crate) fn all(codes: impl IntoIterator<Item = &'static str>) -> Vec<CodeOption> {
        codes.into_iter().map(|code| CodeOption { code, key: key(code) }).collect()
    }
}

/// One field of a referral's packet.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PacketRow {
    /// The field's key (`given-names`).
    pub(crate) field: String,
    /// The value as shared.
    pub(crate) value: Value,
    /// For a code (sex, region): the translation key to show instead.
    pub(crate) value_key: Option<String>,
}

/// The packet as rows, in the fields' order (codes shown through their translations).
pub(crate) fn packet_rows(packet: &Map<String, Value>) -> Vec<PacketRow> {
    PacketField::ALL
        .iter()
        .filter_map(|f| {
            let value = packet.get(f.as_str())?;
            let value_key = match f {
                PacketField::Region => value.as_str().map(|c| format!("region-{c}")),
                PacketField::Sex => value.as_str().map(|c| format!("ben-sex-{c}")),
                _ => None,
            };
            Some(PacketRow { field: key(f.as_str()), value: value.clone(), value_key })
        })
        .collect()
}

/// The last comment of a referral, as a case page shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LastComment {
    body: String,
    side: &'static str,
    at: String,
}

/// A referral sent from a case, as the case page's referral section shows it
/// (`referrals/case_section.html`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseReferralRow {
    id: String,
    reference: String,
    status_key: String,
    service_name: String,
    counterpart: String,
    overdue: bool,
    outcome: Option<String>,
    decline_reason: Option<String>,
    not_completed_reason: Option<String>,
    last_comment: Option<LastComment>,
}

impl CaseReferralRow {
    /// The row of one listed referral, in the page's language.
    pub(crate) fn new(l: &Listing, lang: Language) -> Self {
        let r = &l.referral;
        Self {
            id: r.id.to_string(),
            reference: r.reference.clone(),
            status_key: key(r.status.as_str()),
            service_name: l.service.name(lang).to_owned(),
            counterpart: l.counterpart.clone(),
            overdue: l.overdue,
            outcome: r.outcome.map(|c| key(c.as_str())),
            decline_reason: r.decline_reason.map(|c| key(c.as_str())),
            not_completed_reason: r.not_completed_reason.map(|c| key(c.as_str())),
            last_comment: l.last_comment.as_ref().map(|c| LastComment {
                body: c.body.clone(),
                side: c.side.as_str(),
                at: time_text(c.created_at),
            }),
        }
    }
}
