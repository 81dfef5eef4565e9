//! Accounts: signing in and out, passwords (changed, forgotten, reset
//! through a link), a user's own preferences, invitations accepted, and the
//! network administrator created from the command line.
//!
//! Sessions are rows here (a session is created in the same transaction as
//! the sign-in that opens it); the cookie that carries the token is the web
//! layer's business.

mod invitations;
mod passwords;
mod preferences;
mod sign_in;

use chrono::Duration;
use relais_domain::UserId;
use relais_domain::password::{PasswordPolicyError, check_new_password};
use relais_persistence::models::{sessions, users};

pub use invitations::{AcceptInvitation, InvitationAccepted, InvitationView, accept_invitation, invitation};
pub use passwords::{
    NewNetworkAdmin, PasswordChange, RESET_VALID_MINUTES, ResetOutcome, change_password, create_network_admin,
    request_password_reset, reset_link_usable, reset_password,
};
pub use preferences::{set_language, set_referral_emails};
pub use sign_in::{ACCOUNT_LIMIT, ADDRESS_LIMIT, SignIn, SignInOutcome, account_key, sign_in, sign_out};

use crate::error::{AppError, AppResult, FieldErrors};
use crate::tokens;
use crate::tx::Tx;

/// How long a session lasts after sign-in, whatever happens (the web
/// layer's `session_absolute` setting).
#[derive(Debug, Clone, Copy)]
pub struct SessionLength(pub Duration);

/// The cookie token of a session just started (only its digest is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken(pub String);

/// Starts a session for a user in the command's transaction: the session id
/// is new (never reused from before sign-in).
fn start_session(
    tx: &mut Tx<'_>,
    user_id: &str,
    active_tenant_id: Option<String>,
    length: SessionLength,
) -> AppResult<SessionToken> {
    let token = tokens::random_token();
    let now = tx.at();
    sessions::create(
        tx.conn(),
        &sessions::Session {
            id: tokens::digest(&token),
            user_id: user_id.to_owned(),
            active_tenant_id,
            csrf_token: tokens::random_token(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + length.0,
        },
    )?;
    Ok(SessionToken(token))
}

/// Checks a new password against the policy and its confirmation; adds
/// the problems to `errors` (`password`, `confirm`).
pub fn check_password_pair(errors: &mut FieldErrors, password: &str, confirm: &str) {
    match check_new_password(password) {
        Err(PasswordPolicyError::TooShort) => errors.add("password", "error-password-short"),
        Err(PasswordPolicyError::TooLong) => errors.add("password", "error-password-long"),
        Err(PasswordPolicyError::TooCommon) => errors.add("password", "error-password-common"),
        Ok(()) if password != confirm => errors.add("confirm", "error-password-mismatch"),
        Ok(()) => {}
    }
}

/// The typed id of a stored user.
fn user_id(user: &users::User) -> AppResult<UserId> {
    user.id.parse().map_err(|_| AppError::Internal("column users.id holds a malformed id".into()))
}

/// Hashes a password off the async workers (argon2 takes tens of milliseconds).
async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || relais_authorization::password::hash(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))?
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Verifies a password against a stored hash off the async workers; with no
/// stored hash, verifies against a decoy so the work (and time) is the same.
async fn verify_password(candidate: String, stored: Option<String>) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or_else(|| relais_authorization::password::decoy_hash());
        relais_authorization::password::verify(&candidate, hash) && stored.is_some()
    })
    .await
    .map_err(|e| AppError::Internal(format!("password verification: {e}")))
}
