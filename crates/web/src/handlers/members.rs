//! A tenant's members: the list, invitations, role changes, disabling.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use relais_domain::{EmailAddress, Language, MembershipStatus, TenantRole};
use relais_persistence::models::account_tokens::{self, Purpose};
use relais_persistence::models::{memberships, sessions, tenants, users};
use relais_persistence::{DbConnection, TenantScope};
use serde::Deserialize;

use super::{audit, redirect_with_flash};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::state::{App, AppState};
use crate::templates::page_context;
use crate::tokens;
use crate::visitor::Visitor;

/// How long an invitation link is valid.
pub(crate) const INVITATION_VALID_HOURS: i64 = 72;

/// The invitation form (tenant admins invite members; network admins invite a tenant's first admin).
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) display_name: String,
    #[serde(default)]
    pub(crate) role: String,
}

/// A checked invitation.
pub(crate) struct Invite {
    pub(crate) email: EmailAddress,
    pub(crate) display_name: String,
    pub(crate) role: TenantRole,
}

/// Checks the invitation form.
pub(crate) fn check_invite(form: &InviteForm, errors: &mut FieldErrors) -> Option<Invite> {
    let email = EmailAddress::parse(&form.email).map_err(|_| errors.add("email", "error-email")).ok();
    let display_name = forms::text(errors, "display_name", &form.display_name, 120, true);
    let role = form.role.parse::<TenantRole>().map_err(|_| errors.add("role", "error-choose")).ok();
    if !errors.is_empty() {
        return None;
    }
    Some(Invite { email: email?, display_name, role: role? })
}

/// Invites someone into the scope's tenant: creates the account if needed
/// and an invited membership, a 72-hour single-use link, and the e-mail, all
/// in the caller's transaction. An active member cannot be invited again.
pub(crate) fn invite(
    conn: &mut DbConnection,
    app: &App,
    scope: &TenantScope,
    inviter: &str,
    invite: &Invite,
    request_id: &str,
) -> Result<(), WebError> {
    let now = app.now();
    let tenant = tenants::find(conn, &scope.tenant_id().to_string())?;
    let user = match users::find_by_email(conn, &invite.email)? {
        Some(user) => user,
        None => users::create(
            conn,
            &users::NewUser {
                email: &invite.email,
                display_name: &invite.display_name,
                password_hash: None,
                preferred_language: None,
            },
        )?,
    };
    match memberships::find_for_user(conn, scope, &user.id)? {
        Some(m) if m.status == MembershipStatus::Active.as_str() => {
            return Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::Membership)));
        }
        Some(m) => {
            memberships::update(conn, scope, &m.id, invite.role, MembershipStatus::Invited)?;
        }
        None => {
            memberships::create(conn, scope, &user.id, invite.role, MembershipStatus::Invited)?;
        }
    }
    let token = tokens::random_token();
    let hash = tokens::digest(&token);
    let tenant_key = scope.tenant_id().to_string();
    account_tokens::void_invitations(conn, &user.id, &tenant_key, now)?;
    account_tokens::create(
        conn,
        &account_tokens::NewAccountToken {
            hash: &hash,
            purpose: Purpose::Invitation,
            user_id: &user.id,
            tenant_id: Some(&tenant_key),
            role: Some(invite.role.as_str()),
            created_by: Some(inviter),
            created_at: now,
            expires_at: now + Duration::hours(INVITATION_VALID_HOURS),
        },
    )?;
    let lang = user
        .preferred_language
        .as_deref()
        .or(Some(tenant.default_language.as_str()))
        .and_then(|l| l.parse::<Language>().ok())
        .unwrap_or_default();
    relais_email::enqueue(
        conn,
        Some(scope),
        &invite.email,
        lang,
        &relais_email::Email::Invitation {
            tenant_name: tenant.name.clone(),
            role: invite.role,
            link: format!("{}/invitations/{token}", app.settings.public_url),
            expires_in_hours: INVITATION_VALID_HOURS as u32,
        },
        &format!("invitation:{hash}"),
    )?;
    audit(
        conn,
        Some(scope),
        Some(inviter),
        "member.invited",
        ("user", Some(&user.id)),
        serde_json::json!({ "role": invite.role.as_str() }),
        request_id,
    )?;
    Ok(())
}

async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    form: &InviteForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let scope = ctx.scope;
    let members = app.db.run(move |conn| memberships::list_members(conn, &scope)).await?;
    let can_manage =
        app.authz.is_allowed(&ctx.user_id, &ctx.scope.tenant_id().to_string(), relais_domain::Permission::MemberManage);
    let rows: Vec<_> = members
        .iter()
        .map(|m| {
            serde_json::json!({
                "id": m.id, "display_name": m.display_name, "email": m.email, "role": m.role,
                "status": m.status, "is_me": m.user_id == ctx.user_id,
            })
        })
        .collect();
    let mut context = page_context(app, visitor);
    context.insert("members", &rows);
    context.insert("can_manage", &can_manage);
    context.insert("roles", &TenantRole::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>());
    context.insert("form", form);
    context.insert("errors", errors);
    context.insert("tenant_name", &ctx.tenant_name);
    Ok((status, app.templates.render("members.html", &context)?).into_response())
}

/// GET /members
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let form = InviteForm { role: TenantRole::Caseworker.as_str().into(), ..InviteForm::default() };
    render(&app, &visitor, &ctx, &form, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /members/invitations
pub(crate) async fn invite_member(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<InviteForm>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let Some(checked) = check_invite(&form, &mut errors) else {
        return render(&app, &visitor, &ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (app2, scope, inviter, request_id) = (app.clone(), ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    match app.db.write(move |conn| invite(conn, &app2, &scope, &inviter, &checked, &request_id)).await {
        Ok(()) => Ok(redirect_with_flash(&app, "/members", "flash-invitation-sent")),
        Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::Membership))) => {
            errors.add("email", "error-already-member");
            render(&app, &visitor, &ctx, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct UpdateForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    status: String,
}

/// POST /members/{id} — change the role and/or enable or disable a member.
/// Disabling ends the member's sessions in this tenant at once. Nobody
/// changes their own membership (a tenant cannot lose its last administrator
/// by mistake).
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<UpdateForm>,
) -> WebResult<Response> {
    let role: TenantRole = form.role.parse().map_err(|_| WebError::BadRequest("unknown role".into()))?;
    let status: MembershipStatus = form.status.parse().map_err(|_| WebError::BadRequest("unknown status".into()))?;
    let (scope, actor, request_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            let current = memberships::find(conn, &scope, &id)?;
            if current.user_id == actor {
                return Err(WebError::Conflict(relais_domain::Conflict::OwnMembership));
            }
            let status = match (current.status.as_str(), status) {
                // An invited member stays invited until they accept; only the role can change.
                ("invited", MembershipStatus::Active) => MembershipStatus::Invited,
                (_, MembershipStatus::Invited) => return Err(WebError::BadRequest("cannot re-invite here".into())),
                (_, s) => s,
            };
            let (before, after) = memberships::update(conn, &scope, &id, role, status)?;
            if before.role != after.role {
                audit(
                    conn,
                    Some(&scope),
                    Some(&actor),
                    "member.role_changed",
                    ("user", Some(&after.user_id)),
                    serde_json::json!({ "from": before.role, "to": after.role }),
                    &request_id,
                )?;
            }
            if before.status != after.status {
                if after.status == MembershipStatus::Disabled.as_str() {
                    sessions::delete_for_user_in_tenant(conn, &after.user_id, &scope.tenant_id().to_string())?;
                }
                let action = if after.status == MembershipStatus::Disabled.as_str() {
                    "member.disabled"
                } else {
                    "member.enabled"
                };
                audit(
                    conn,
                    Some(&scope),
                    Some(&actor),
                    action,
                    ("user", Some(&after.user_id)),
                    serde_json::json!({}),
                    &request_id,
                )?;
            }
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, "/members", "flash-member-updated"))
}
