//! Sign-in and sign-out.
//!
//! Throttling: 5 failures for one e-mail address within 15 minutes lock it
//! for 15 minutes; 20 failures from one client address within 15 minutes
//! lock that address for 15 minutes. The same outcome and the same work (an
//! argon2 verification) answer an unknown address and a wrong password, so
//! the answer does not tell whether an address is registered.

use chrono::Duration;
use relais_domain::{AuditAction, EmailAddress};
use relais_persistence::models::login_throttle::{self, Limit};
use relais_persistence::models::{memberships, sessions, users};
use serde_json::json;

use super::{SessionLength, SessionToken, start_session, user_id, verify_password};
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::{App, tokens};

/// Failures allowed per account before a lock.
pub const ACCOUNT_LIMIT: Limit =
    Limit { max_failures: 5, window: Duration::minutes(15), lock_for: Duration::minutes(15) };
/// Failures allowed per client address before a lock.
pub const ADDRESS_LIMIT: Limit =
    Limit { max_failures: 20, window: Duration::minutes(15), lock_for: Duration::minutes(15) };

/// The throttle key of an e-mail address (its digest: no address is stored).
pub fn account_key(email: &str) -> String {
    format!("account:{}", tokens::digest(&email.trim().to_lowercase()))
}

/// A sign-in attempt, as typed.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The e-mail address as typed.
    pub email: String,
    /// The password as typed.
    pub password: String,
    /// The client's address (throttling key).
    pub client_address: String,
    /// The session this browser had, ended by a successful sign-in.
    pub replaces_session: Option<String>,
}

/// What a sign-in attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Signed in: a new session.
    SignedIn(SessionToken),
    /// Unknown address or wrong password (the same answer for both).
    Refused,
    /// Too many failures for this address or client.
    Locked,
}

/// Signs a user in: checks the throttles, verifies the password (always
/// one argon2 verification), and on success starts a session in the user's
/// first tenant. Audits `auth.signed_in`, `auth.sign_in_failed` or
/// `auth.sign_in_locked` (network log, no address stored).
pub async fn sign_in(app: &App, actor: &Actor, attempt: SignIn, length: SessionLength) -> AppResult<SignInOutcome> {
    let SignIn { email, password, client_address, replaces_session } = attempt;
    let email_text = email.trim().to_owned();
    let address = EmailAddress::parse(&email_text).ok();
    let account = account_key(&email_text);
    let address_key = format!("ip:{client_address}");
    let now = app.now();

    // Who is it, and are they locked? (No password work yet.)
    let (user, locked) = {
        let (account, address_key) = (account.clone(), address_key.clone());
        app.read(move |conn| {
            let user = match &address {
                Some(e) => users::find_by_email(conn, e)?,
                None => None,
            };
            let locked = login_throttle::locked_until(conn, &account, now)?.is_some()
                || login_throttle::locked_until(conn, &address_key, now)?.is_some();
            Ok((user, locked))
        })
        .await?
    };
    let stored = user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone());
    let verified = verify_password(password, stored).await?;

    app.write(actor, move |tx| {
        let at = tx.at();
        if locked {
            login_throttle::record_failure(tx.conn(), &address_key, ADDRESS_LIMIT, at)?;
            match user.as_ref().map(user_id).transpose()? {
                Some(u) => tx.audit_by_user(u, None, AuditAction::SignInLocked, None, json!({}))?,
                None => tx.audit_untargeted(None, AuditAction::SignInLocked, json!({}))?,
            }
            return Ok(SignInOutcome::Locked);
        }
        let Some(user) = user.filter(|_| verified) else {
            let account_lock = login_throttle::record_failure(tx.conn(), &account, ACCOUNT_LIMIT, at)?;
            let address_lock = login_throttle::record_failure(tx.conn(), &address_key, ADDRESS_LIMIT, at)?;
            tx.audit_untargeted(None, AuditAction::SignInFailed, json!({}))?;
            return Ok(if account_lock.is_some() || address_lock.is_some() {
                SignInOutcome::Locked
            } else {
                SignInOutcome::Refused
            });
        };
        login_throttle::clear(tx.conn(), &account)?;
        if let Some(old) = replaces_session {
            sessions::delete(tx.conn(), &old)?;
        }
        let first_tenant = memberships::tenants_of_user(tx.conn(), &user.id)?.into_iter().next().map(|t| t.tenant_id);
        let token = start_session(tx, &user.id, first_tenant, length)?;
        // The request came in anonymous: the event names the user as its actor.
        let id = user_id(&user)?;
        tx.audit_by_user(id, None, AuditAction::SignedIn, Some(id.to_string()), json!({}))?;
        Ok(SignInOutcome::SignedIn(token))
    })
    .await
}

/// Signs the actor out: ends this session. Audits `auth.signed_out`.
pub async fn sign_out(app: &App, actor: &Actor, session_id: String) -> AppResult<()> {
    let user = actor.user_id().ok_or(AppError::Forbidden)?;
    app.write(actor, move |tx| {
        sessions::delete(tx.conn(), &session_id)?;
        tx.audit(None, AuditAction::SignedOut, user, json!({}))
    })
    .await
}
