//! A tenant's members: the list, invitations, role changes, disabling.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::members::{self, Invite};
use relais_domain::{Conflict, Duplicate, MembershipStatus, Permission, TenantRole};
use relais_persistence::models::memberships;
use serde::{Deserialize, Serialize};

use super::redirect_with_flash;
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The invitation form (tenant admins invite members; network admins invite a tenant's first admin).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) display_name: String,
    #[serde(default)]
    pub(crate) role: String,
}

impl InviteForm {
    /// The invitation as typed (a role that does not parse is `None`).
    pub(crate) fn invite(&self) -> Invite {
        Invite { email: self.email.clone(), display_name: self.display_name.clone(), role: self.role.parse().ok() }
    }
}

/// A member as listed.
#[derive(Serialize)]
struct MemberRow {
    id: String,
    display_name: String,
    email: String,
    role: String,
    status: String,
    is_me: bool,
}

/// The members page: the list, and the invitation form as typed.
#[derive(Serialize)]
struct MembersPage<'a> {
    members: Vec<MemberRow>,
    can_manage: bool,
    roles: &'static [TenantRole],
    form: &'a InviteForm,
    errors: &'a FieldErrors,
    tenant_name: &'a str,
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
    let listed = app.db.run(move |conn| memberships::list_members(conn, &scope)).await?;
    let members = listed
        .into_iter()
        .map(|m| MemberRow {
            is_me: m.user_id == ctx.user_id,
            id: m.id,
            display_name: m.display_name,
            email: m.email,
            role: m.role,
            status: m.status,
        })
        .collect();
    let page = MembersPage {
        members,
        can_manage: ctx.member.may(Permission::MemberManage),
        roles: TenantRole::ALL,
        form,
        errors,
        tenant_name: &ctx.tenant_name,
    };
    Ok((status, render_page(app, visitor, "members.html", &page)?).into_response())
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
    match members::invite_member(&app.core, &ctx.actor(&visitor), form.invite()).await {
        Ok(()) => Ok(redirect_with_flash(&app, "/members", "flash-invitation-sent")),
        Err(AppError::Validation(errors)) => {
            render(&app, &visitor, &ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict(Conflict::Duplicate(Duplicate::Membership))) => {
            let mut errors = FieldErrors::new();
            errors.add("email", "error-already-member");
            render(&app, &visitor, &ctx, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
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
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<UpdateForm>,
) -> WebResult<Response> {
    let role: TenantRole = form.role.parse().map_err(|_| WebError::BadRequest("unknown role".into()))?;
    let status: MembershipStatus = form.status.parse().map_err(|_| WebError::BadRequest("unknown status".into()))?;
    members::update_membership(&app.core, &ctx.actor(&visitor), id, role, status).await?;
    Ok(redirect_with_flash(&app, "/members", "flash-member-updated"))
}
