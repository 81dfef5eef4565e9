//! A tenant's members: invitations (by the tenant's administrators, or a
//! tenant's first administrator by the network), role changes, disabling
//! and enabling.

use chrono::Duration;
use relais_domain::{
    AuditAction, Conflict, Duplicate, EmailAddress, Language, MembershipStatus, Permission, TenantId, TenantRole,
    UserId,
};
use relais_persistence::TenantScope;
use relais_persistence::models::account_tokens::{self, Purpose};
use relais_persistence::models::{memberships, sessions, tenants, users};
use serde_json::json;

use crate::error::{AppError, AppResult, FieldErrors};
use crate::tx::Tx;
use crate::{Actor, App, tokens};

/// How long an invitation link is valid.
pub const INVITATION_VALID_HOURS: i64 = 72;
/// Longest display name, in characters.
const NAME_MAX: usize = 120;

/// An invitation, as typed.
#[derive(Debug, Clone, Default)]
pub struct Invite {
    /// The invitee's address (`email`).
    pub email: String,
    /// Their name (`display_name`).
    pub display_name: String,
    /// The role given (`role`); `None` when the form's value named no role.
    pub role: Option<TenantRole>,
}

struct CheckedInvite {
    email: EmailAddress,
    display_name: String,
    role: TenantRole,
}

impl Invite {
    /// The problems of the input, by field (what the invite commands refuse).
    pub fn check(&self) -> FieldErrors {
        self.checked().err().unwrap_or_default()
    }

    fn checked(&self) -> Result<CheckedInvite, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = EmailAddress::parse(&self.email).map_err(|_| errors.add("email", "error-email")).ok();
        let display_name = errors.text("display_name", &self.display_name, NAME_MAX, true);
        if self.role.is_none() {
            errors.add("role", "error-choose");
        }
        match (email, self.role, errors.is_empty()) {
            (Some(email), Some(role), true) => Ok(CheckedInvite { email, display_name, role }),
            _ => Err(errors),
        }
    }
}

/// Invites someone into the actor's tenant (tenant administrators). An
/// active member cannot be invited again (`Duplicate::Membership`).
pub async fn invite_member(app: &App, actor: &Actor, invite: Invite) -> AppResult<()> {
    let member = actor.as_member()?;
    member.require(Permission::MemberManage)?;
    let (scope, inviter) = (member.scope, member.user_id);
    let invite = invite.checked().map_err(AppError::Validation)?;
    app.write(actor, move |tx| invite_into(tx, &scope, inviter, &invite)).await
}

/// Invites a tenant's administrator (network administrators, who are not
/// members of the tenant). The tenant must be active.
pub async fn invite_tenant_admin(app: &App, actor: &Actor, tenant: TenantId, mut invite: Invite) -> AppResult<()> {
    let inviter = actor.require_network(Permission::TenantManage)?;
    invite.role = Some(TenantRole::TenantAdmin);
    let invite = invite.checked().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        if !tenants::find(tx.conn(), &tenant.to_string())?.active {
            return Err(Conflict::InactiveTenant.into());
        }
        invite_into(tx, &TenantScope::for_system(tenant), inviter, &invite)
    })
    .await
}

/// Creates the account if needed and an invited membership, a single-use
/// link and its e-mail, in the command's transaction. Audits `member.invited`.
fn invite_into(tx: &mut Tx<'_>, scope: &TenantScope, inviter: UserId, invite: &CheckedInvite) -> AppResult<()> {
    let at = tx.at();
    let tenant = tenants::find(tx.conn(), &scope.tenant_id().to_string())?;
    let user = match users::find_by_email(tx.conn(), &invite.email)? {
        Some(user) => user,
        None => users::create(
            tx.conn(),
            &users::NewUser {
                email: &invite.email,
                display_name: &invite.display_name,
                password_hash: None,
                preferred_language: None,
            },
            at,
        )?,
    };
    match memberships::find_for_user(tx.conn(), scope, &user.id)? {
        Some(m) if m.status == MembershipStatus::Active.as_str() => {
            return Err(Conflict::Duplicate(Duplicate::Membership).into());
        }
        Some(m) => {
            memberships::update(tx.conn(), scope, &m.id, invite.role, MembershipStatus::Invited, at)?;
        }
        None => {
            memberships::create(tx.conn(), scope, &user.id, invite.role, MembershipStatus::Invited, at)?;
        }
    }
    let token = tokens::random_token();
    let hash = tokens::digest(&token);
    let (tenant_key, inviter_key) = (scope.tenant_id().to_string(), inviter.to_string());
    account_tokens::void_invitations(tx.conn(), &user.id, &tenant_key, at)?;
    account_tokens::create(
        tx.conn(),
        &account_tokens::NewAccountToken {
            hash: &hash,
            purpose: Purpose::Invitation,
            user_id: &user.id,
            tenant_id: Some(&tenant_key),
            role: Some(invite.role.as_str()),
            created_by: Some(&inviter_key),
            created_at: at,
            expires_at: at + Duration::hours(INVITATION_VALID_HOURS),
        },
    )?;
    let lang =
        user.preferred_language.as_deref().and_then(|l| l.parse::<Language>().ok()).unwrap_or(tenant.default_language);
    let link = format!("{}/invitations/{token}", tx.settings().public_url);
    relais_email::enqueue(
        tx.conn(),
        Some(scope),
        &invite.email,
        lang,
        &relais_email::Email::Invitation {
            tenant_name: tenant.name.clone(),
            role: invite.role,
            link,
            expires_in_hours: INVITATION_VALID_HOURS as u32,
        },
        &format!("invitation:{hash}"),
    )?;
    tx.audit(Some(scope), AuditAction::MemberInvited, &user.id, json!({ "role": invite.role.as_str() }))
}

/// What a membership change gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipChanged {
    /// The role changed.
    pub role_changed: bool,
    /// The status changed.
    pub status_changed: bool,
}

/// Changes a member's role and/or enables or disables them (tenant
/// administrators). Disabling ends the member's sessions in this tenant at
/// once. Nobody changes their own membership (`Conflict::OwnMembership`:
/// a tenant cannot lose its last administrator by mistake); an invited
/// member stays invited until they accept. Audits `member.role_changed`,
/// `member.disabled` / `member.enabled` for what changed.
pub async fn update_membership(
    app: &App,
    actor: &Actor,
    membership: String,
    role: TenantRole,
    status: MembershipStatus,
) -> AppResult<MembershipChanged> {
    let member = actor.as_member()?;
    member.require(Permission::MemberManage)?;
    let (scope, me) = (member.scope, member.user_id.to_string());
    app.write(actor, move |tx| {
        let at = tx.at();
        let current = memberships::find(tx.conn(), &scope, &membership)?;
        if current.user_id == me {
            return Err(Conflict::OwnMembership.into());
        }
        let status = match (current.status.as_str(), status) {
            ("invited", MembershipStatus::Active) => MembershipStatus::Invited,
            (_, MembershipStatus::Invited) => return Err(FieldErrors::one("status", "error-choose")),
            (_, s) => s,
        };
        let (before, after) = memberships::update(tx.conn(), &scope, &membership, role, status, at)?;
        let changed = MembershipChanged {
            role_changed: before.role != after.role,
            status_changed: before.status != after.status,
        };
        if changed.role_changed {
            let details = json!({ "from": before.role, "to": after.role });
            tx.audit(Some(&scope), AuditAction::MemberRoleChanged, &after.user_id, details)?;
        }
        if changed.status_changed {
            let disabled = after.status == MembershipStatus::Disabled.as_str();
            if disabled {
                sessions::delete_for_user_in_tenant(tx.conn(), &after.user_id, &scope.tenant_id().to_string())?;
            }
            let action = if disabled { AuditAction::MemberDisabled } else { AuditAction::MemberEnabled };
            tx.audit(Some(&scope), action, &after.user_id, json!({}))?;
        }
        Ok(changed)
    })
    .await
}
