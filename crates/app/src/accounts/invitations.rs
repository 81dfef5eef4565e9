//! Accepting an invitation: the invitee chooses a password (if the account
//! has none yet), the membership becomes active, and — when they have just
//! chosen their password — they are signed in.

use relais_domain::{AuditAction, MembershipStatus, TenantId, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::account_tokens::Purpose;
use relais_persistence::models::{account_tokens, memberships, sessions, tenants, users};
use serde_json::json;

use super::passwords::usable_link;
use super::{SessionLength, SessionToken, check_password_pair, hash_password, start_session, user_id};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// Longest display name, in characters.
const NAME_MAX: usize = 120;

/// What an invitation link offers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InvitationView {
    /// The tenant joined.
    pub tenant_name: String,
    /// The role given.
    pub role: TenantRole,
    /// Whether the invitee must choose a password (a new account).
    pub needs_password: bool,
    /// The name the inviter gave.
    pub display_name: String,
}

/// The usable invitation behind a link, or `None` (unknown, used or expired).
pub async fn invitation(app: &App, token: &str) -> AppResult<Option<InvitationView>> {
    match usable_link(app, token, Purpose::Invitation).await? {
        Some(found) => Ok(Some(view_of(app, &found).await?)),
        None => Ok(None),
    }
}

/// What a found invitation offers.
async fn view_of(app: &App, found: &account_tokens::AccountToken) -> AppResult<InvitationView> {
    let role = invited_role(found)?;
    let tenant_id = found.tenant_id.clone().ok_or(AppError::NotFound)?;
    let user_id = found.user_id.clone();
    app.read(move |conn| {
        let user = users::find(conn, &user_id)?;
        let tenant = tenants::find(conn, &tenant_id)?;
        Ok(InvitationView {
            tenant_name: tenant.name,
            role,
            needs_password: user.password_hash.is_none(),
            display_name: user.display_name,
        })
    })
    .await
}

fn invited_role(token: &account_tokens::AccountToken) -> AppResult<TenantRole> {
    token
        .role
        .as_deref()
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| AppError::Internal("column account_tokens.role holds no tenant role".into()))
}

/// An invitation accepted, as typed (the name and password only matter
/// when the account has no password yet).
#[derive(Debug, Clone, Default)]
pub struct AcceptInvitation {
    /// The invitee's name (`display_name`).
    pub display_name: String,
    /// The password chosen (`password`).
    pub password: String,
    /// The same again (`confirm`).
    pub confirm: String,
    /// The session this browser had, ended when the invitee is signed in.
    pub replaces_session: Option<String>,
}

/// What accepting gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationAccepted {
    /// A new account chose its password and is signed in.
    SignedIn(SessionToken),
    /// An existing account joined; it signs in with its password as always.
    SignInWithPassword,
    /// The link is unknown, used or expired.
    LinkUnusable,
}

/// Accepts an invitation (single use). A disabled membership or an inactive
/// tenant is refused. Audits `member.invitation_accepted` in the tenant's log.
pub async fn accept_invitation(
    app: &App,
    actor: &Actor,
    token: &str,
    input: AcceptInvitation,
    length: SessionLength,
) -> AppResult<InvitationAccepted> {
    let Some(found) = usable_link(app, token, Purpose::Invitation).await? else {
        return Ok(InvitationAccepted::LinkUnusable);
    };
    let view = view_of(app, &found).await?;
    let role = invited_role(&found)?;
    let tenant_id: TenantId = found
        .tenant_id
        .as_deref()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| AppError::Internal("column account_tokens.tenant_id holds no tenant id".into()))?;
    let mut new_account = None;
    if view.needs_password {
        let mut errors = FieldErrors::new();
        let name = errors.text("display_name", &input.display_name, NAME_MAX, true);
        check_password_pair(&mut errors, &input.password, &input.confirm);
        errors.into_result()?;
        new_account = Some((name, hash_password(input.password).await?));
    }
    let old_session = input.replaces_session;
    app.write(actor, move |tx| {
        let at = tx.at();
        if !account_tokens::mark_used(tx.conn(), &found.id, at)? {
            return Ok(InvitationAccepted::LinkUnusable);
        }
        if !tenants::find(tx.conn(), &tenant_id.to_string())?.active {
            return Err(AppError::Forbidden);
        }
        // The network administrator's invitation and the tenant's own both land here.
        let scope = TenantScope::for_system(tenant_id);
        if let Some((name, hash)) = &new_account {
            users::set_password_hash(tx.conn(), &found.user_id, hash, at)?;
            users::set_display_name(tx.conn(), &found.user_id, name, at)?;
        }
        match memberships::find_for_user(tx.conn(), &scope, &found.user_id)? {
            Some(m) if m.status == MembershipStatus::Disabled.as_str() => return Err(AppError::Forbidden),
            Some(m) => {
                memberships::update(tx.conn(), &scope, &m.id, role, MembershipStatus::Active, at)?;
            }
            None => {
                memberships::create(tx.conn(), &scope, &found.user_id, role, MembershipStatus::Active, at)?;
            }
        }
        let user = user_id(&users::find(tx.conn(), &found.user_id)?)?;
        // The request came in anonymous: the event names the invitee as its actor.
        let details = json!({ "role": role.as_str() });
        tx.audit_by_user(user, Some(&scope), AuditAction::InvitationAccepted, Some(user.to_string()), details)?;
        if new_account.is_none() {
            return Ok(InvitationAccepted::SignInWithPassword);
        }
        if let Some(old) = old_session {
            sessions::delete(tx.conn(), &old)?;
        }
        Ok(InvitationAccepted::SignedIn(start_session(tx, &found.user_id, Some(tenant_id.to_string()), length)?))
    })
    .await
}
