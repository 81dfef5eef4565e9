//! A user's own preferences: interface language, how referral e-mails come.

use relais_domain::{AuditAction, Language};
use relais_persistence::models::users;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// Referral e-mails one by one (`false`) or as one daily digest (`true`).
/// Audits `user.notifications_changed`.
pub async fn set_referral_emails(app: &App, actor: &Actor, daily_digest: bool) -> AppResult<()> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    app.write(actor, move |tx| {
        let at = tx.at();
        users::set_referral_emails(tx.conn(), &user.to_string(), daily_digest, at)?;
        tx.audit(None, AuditAction::NotificationsChanged, user, json!({ "daily_digest": daily_digest }))
    })
    .await
}

/// The interface language the actor prefers (pages and e-mails). A
/// preference, not an audited change.
pub async fn set_language(app: &App, actor: &Actor, language: Language) -> AppResult<()> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    app.write(actor, move |tx| {
        let at = tx.at();
        Ok(users::set_preferred_language(tx.conn(), &user.to_string(), Some(language), at)?)
    })
    .await
}
