//! The referrals section of the sending case's page: each referral's live
//! status, last comment and outcome.

use relais_domain::Language;
use relais_persistence::models::referrals;
use relais_persistence::{DbConnection, PersistenceError, TenantScope};
use serde_json::{Value, json};

use super::time_text;

/// The referrals sent from a case of the scope's tenant, as the case page shows them.
pub(crate) fn case_referrals(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    now: chrono::NaiveDateTime,
    lang: Language,
) -> Result<Vec<Value>, PersistenceError> {
    Ok(referrals::for_case(conn, scope, case_id, now)?
        .into_iter()
        .map(|l| {
            let r = &l.referral;
            json!({
                "id": r.id, "reference": r.reference, "status_key": r.status.replace('_', "-"),
                "service_name": l.service.name(lang), "counterpart": l.counterpart, "overdue": l.overdue,
                "outcome": r.outcome.as_ref().map(|c| c.replace('_', "-")),
                "decline_reason": r.decline_reason.as_ref().map(|c| c.replace('_', "-")),
                "not_completed_reason": r.not_completed_reason.as_ref().map(|c| c.replace('_', "-")),
                "last_comment": l.last_comment.as_ref().map(|c| json!({ "body": c.body, "side": c.side, "at": time_text(c.created_at) })),
            })
        })
        .collect())
}
