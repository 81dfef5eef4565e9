//! Comments on a referral: either side writes, the other side is told.

use relais_domain::{AuditAction, CommentId, Permission, ReferralId};
use relais_persistence::models::referrals;
use serde_json::json;

use super::notices::{self, Notice};
use super::text_field;
use crate::error::AppResult;
use crate::{Actor, App, FieldErrors};

/// Adds a comment to a referral of the actor's tenant, for the side it is
/// on; the other side is told (not for a draft, which has not reached the
/// receiver). The audit row names the comment, never its text.
pub async fn comment(app: &App, actor: &Actor, id: ReferralId, body: String) -> AppResult<CommentId> {
    let member = actor.as_member()?;
    member.require(Permission::ReferralReceive)?;
    let mut errors = FieldErrors::new();
    let body = text_field(&mut errors, "body", Some(body), true).unwrap_or_default();
    errors.into_result()?;
    let (scope, author) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let view = referrals::for_either_side(tx.conn(), &scope, id)?;
        let at = tx.at();
        let comment = referrals::add_comment(tx.conn(), &view, author, &body, at)?;
        tx.audit(
            Some(&scope),
            AuditAction::ReferralCommented,
            id,
            json!({ "comment_id": comment.id, "side": comment.side }),
        )?;
        if view.referral().sent_at.is_some() {
            let public_url = tx.settings().public_url.clone();
            let occurrence = comment.id.to_string();
            let notice = Notice {
                notice: relais_email::ReferralNotice::Comment,
                author_side: view.side(),
                occurrence: Some(&occurrence),
                link: None,
            };
            notices::notify(tx.conn(), &public_url, view.referral(), notice)?;
        }
        Ok(comment.id)
    })
    .await
}
