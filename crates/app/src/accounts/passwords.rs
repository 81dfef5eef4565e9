//! Passwords: changed by their owner, forgotten (a reset link by e-mail),
//! chosen again through the link; and the first network administrator,
//! created from the command line.

use chrono::Duration;
use relais_domain::{AuditAction, EmailAddress, Language, NetworkRole, UserId};
use relais_persistence::models::account_tokens::{self, Purpose};
use relais_persistence::models::login_throttle::{self, Limit};
use relais_persistence::models::{role_assignments, sessions, users};
use serde_json::json;

use super::{
    SessionLength, SessionToken, account_key, check_password_pair, hash_password, start_session, user_id,
    verify_password,
};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App, tokens};

/// How long a reset link is valid.
pub const RESET_VALID_MINUTES: i64 = 60;
/// Reset e-mails sent per address per hour, at most (more are silently not sent).
const RESET_LIMIT: Limit = Limit { max_failures: 3, window: Duration::hours(1), lock_for: Duration::hours(1) };

/// A password change, as typed by the signed-in user.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    /// The current password (`current`).
    pub current: String,
    /// The new one (`password`).
    pub password: String,
    /// The new one again (`confirm`).
    pub confirm: String,
    /// The tenant the new session works in (the one the old session had).
    pub active_tenant: Option<String>,
}

/// Changes the actor's own password: every session of theirs ends, and this
/// browser gets a new one; pending reset links are voided. Audits
/// `auth.password_changed`.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    change: PasswordChange,
    length: SessionLength,
) -> AppResult<SessionToken> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    let mut errors = FieldErrors::new();
    check_password_pair(&mut errors, &change.password, &change.confirm);
    let key = user.to_string();
    let stored = app.read(move |conn| Ok(users::find(conn, &key)?.password_hash)).await?;
    if !verify_password(change.current, stored).await? {
        errors.add("current", "error-password-current");
    }
    errors.into_result()?;
    let hash = hash_password(change.password).await?;
    let active_tenant = change.active_tenant;
    app.write(actor, move |tx| {
        let (at, key) = (tx.at(), user.to_string());
        users::set_password_hash(tx.conn(), &key, &hash, at)?;
        account_tokens::void_for_user(tx.conn(), &key, Purpose::PasswordReset, at)?;
        sessions::delete_for_user(tx.conn(), &key)?;
        tx.audit(None, AuditAction::PasswordChanged, user, json!({}))?;
        start_session(tx, &key, active_tenant, length)
    })
    .await
}

/// Sends a reset link to an active account's address (at most three an
/// hour). The outcome is the same whether or not the address is registered:
/// only a malformed address is refused (`email`). Audits
/// `auth.password_reset_requested` when a link is sent.
pub async fn request_password_reset(app: &App, actor: &Actor, email: &str, fallback: Language) -> AppResult<()> {
    let email = EmailAddress::parse(email).map_err(|_| FieldErrors::one("email", "error-email"))?;
    app.write(actor, move |tx| {
        let at = tx.at();
        let key = format!("reset:{}", tokens::digest(email.as_str()));
        let throttled = login_throttle::locked_until(tx.conn(), &key, at)?.is_some();
        let user = users::find_by_email(tx.conn(), &email)?.filter(|u| u.active);
        let Some(user) = user.filter(|_| !throttled) else { return Ok(()) };
        login_throttle::record_failure(tx.conn(), &key, RESET_LIMIT, at)?;
        account_tokens::void_for_user(tx.conn(), &user.id, Purpose::PasswordReset, at)?;
        let token = tokens::random_token();
        let hash = tokens::digest(&token);
        account_tokens::create(
            tx.conn(),
            &account_tokens::NewAccountToken {
                hash: &hash,
                purpose: Purpose::PasswordReset,
                user_id: &user.id,
                tenant_id: None,
                role: None,
                created_by: None,
                created_at: at,
                expires_at: at + Duration::minutes(RESET_VALID_MINUTES),
            },
        )?;
        let lang = user.preferred_language.as_deref().and_then(|l| l.parse::<Language>().ok()).unwrap_or(fallback);
        let link = format!("{}/password/reset/{token}", tx.settings().public_url);
        relais_email::enqueue(
            tx.conn(),
            None,
            &email,
            lang,
            &relais_email::Email::PasswordReset { link, expires_in_minutes: RESET_VALID_MINUTES as u32 },
            &format!("password-reset:{hash}"),
        )?;
        let id = user_id(&user)?;
        tx.audit_by_user(id, None, AuditAction::PasswordResetRequested, Some(id.to_string()), json!({}))
    })
    .await
}

/// A usable (known, unused, unexpired) link of that purpose.
pub(super) async fn usable_link(
    app: &App,
    token: &str,
    purpose: Purpose,
) -> AppResult<Option<account_tokens::AccountToken>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    let (hash, now) = (tokens::digest(token), app.now());
    let found = app.read(move |conn| Ok(account_tokens::find(conn, &hash, purpose)?)).await?;
    Ok(found.filter(|t| t.used_at.is_none() && t.expires_at > now))
}

/// Whether a reset link can still be used.
pub async fn reset_link_usable(app: &App, token: &str) -> AppResult<bool> {
    Ok(usable_link(app, token, Purpose::PasswordReset).await?.is_some())
}

/// What a reset link gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetOutcome {
    /// The password was changed; every session of the account ended.
    Done,
    /// The link is unknown, used or expired.
    LinkUnusable,
}

/// Chooses a new password through a reset link (single use): every session
/// of the account ends, other reset links are voided and the sign-in
/// throttle of the address is cleared. Audits `auth.password_reset`.
pub async fn reset_password(
    app: &App,
    actor: &Actor,
    token: &str,
    password: String,
    confirm: &str,
) -> AppResult<ResetOutcome> {
    let Some(found) = usable_link(app, token, Purpose::PasswordReset).await? else {
        return Ok(ResetOutcome::LinkUnusable);
    };
    let mut errors = FieldErrors::new();
    check_password_pair(&mut errors, &password, confirm);
    errors.into_result()?;
    let hash = hash_password(password).await?;
    app.write(actor, move |tx| {
        let at = tx.at();
        if !account_tokens::mark_used(tx.conn(), &found.id, at)? {
            return Ok(ResetOutcome::LinkUnusable);
        }
        let user = users::find(tx.conn(), &found.user_id)?;
        users::set_password_hash(tx.conn(), &user.id, &hash, at)?;
        account_tokens::void_for_user(tx.conn(), &user.id, Purpose::PasswordReset, at)?;
        sessions::delete_for_user(tx.conn(), &user.id)?;
        login_throttle::clear(tx.conn(), &account_key(&user.email))?;
        let id = user_id(&user)?;
        tx.audit_by_user(id, None, AuditAction::PasswordReset, Some(id.to_string()), json!({}))?;
        Ok(ResetOutcome::Done)
    })
    .await
}

/// A network administrator account to create (from the command line).
#[derive(Debug, Clone)]
pub struct NewNetworkAdmin {
    /// Sign-in address.
    pub email: EmailAddress,
    /// Name shown in the interface.
    pub display_name: String,
    /// The password (checked against the policy here).
    pub password: String,
}

/// Creates a user holding the `network_admin` role. Audits
/// `user.network_admin_created` in the network log. An address already
/// registered is the typed conflict `Duplicate::UserEmail`.
pub async fn create_network_admin(app: &App, actor: &Actor, new: NewNetworkAdmin) -> AppResult<UserId> {
    let mut errors = FieldErrors::new();
    check_password_pair(&mut errors, &new.password, &new.password);
    if new.display_name.trim().is_empty() {
        errors.add("display_name", "error-required");
    }
    errors.into_result()?;
    let hash = hash_password(new.password).await?;
    app.write(actor, move |tx| {
        let at = tx.at();
        let user = users::create(
            tx.conn(),
            &users::NewUser {
                email: &new.email,
                display_name: new.display_name.trim(),
                password_hash: Some(&hash),
                preferred_language: None,
            },
            at,
        )?;
        role_assignments::grant_network_role(tx.conn(), &user.id, NetworkRole::NetworkAdmin)?;
        let id = user_id(&user)?;
        tx.audit(None, AuditAction::NetworkAdminCreated, id, json!({}))?;
        Ok(id)
    })
    .await
}
