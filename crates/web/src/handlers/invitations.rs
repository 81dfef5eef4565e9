//! Accepting an invitation: the invitee chooses a password (if the account
//! has none yet), the membership becomes active, and they are signed in.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::{MembershipStatus, TenantId, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::account_tokens::{self, Purpose};
use relais_persistence::models::{memberships, sessions, tenants, users};
use serde::Deserialize;

use super::password::{check_new_password, token_invalid, usable_token};
use super::{audit, redirect_with_flash, start_session, with_session_cookie};
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

struct InvitationView {
    tenant_name: String,
    role: String,
    needs_password: bool,
    display_name: String,
}

async fn view(app: &AppState, token: &account_tokens::AccountToken) -> WebResult<InvitationView> {
    let (user_id, tenant_id, role) = (token.user_id.clone(), token.tenant_id.clone(), token.role.clone());
    app.db
        .run(move |conn| {
            let user = users::find(conn, &user_id)?;
            let tenant = tenants::find(conn, tenant_id.as_deref().ok_or(WebError::NotFound)?)?;
            Ok::<_, WebError>(InvitationView {
                tenant_name: tenant.name,
                role: role.unwrap_or_default(),
                needs_password: user.password_hash.is_none(),
                display_name: user.display_name,
            })
        })
        .await
}

fn render(
    app: &AppState,
    visitor: &Visitor,
    view: &InvitationView,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    context.insert("tenant_name", &view.tenant_name);
    context.insert("role", &view.role);
    context.insert("needs_password", &view.needs_password);
    context.insert("display_name", &view.display_name);
    context.insert("errors", errors);
    Ok((status, app.templates.render("invitation.html", &context)?).into_response())
}

/// GET /invitations/{token}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let Some(found) = usable_token(&app, &token, Purpose::Invitation).await? else {
        return token_invalid(&app, &visitor, "invitation");
    };
    let view = view(&app, &found).await?;
    render(&app, &visitor, &view, &FieldErrors::new(), StatusCode::OK)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AcceptForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// POST /invitations/{token}
pub(crate) async fn accept(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    FormData(form): FormData<AcceptForm>,
) -> WebResult<Response> {
    let Some(found) = usable_token(&app, &token, Purpose::Invitation).await? else {
        return token_invalid(&app, &visitor, "invitation");
    };
    let mut view = view(&app, &found).await?;
    let mut errors = FieldErrors::new();
    let mut new_hash = None;
    if view.needs_password {
        let name = forms::text(&mut errors, "display_name", &form.display_name, 120, true);
        check_new_password(&mut errors, &form.password, &form.confirm);
        if !errors.is_empty() {
            view.display_name = name;
            return render(&app, &visitor, &view, &errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        view.display_name = name;
        let password = form.password;
        new_hash = Some(
            tokio::task::spawn_blocking(move || relais_authorization::password::hash(&password))
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?
                .map_err(|e| WebError::Internal(e.to_string()))?,
        );
    }
    let tenant_id: TenantId = found.tenant_id.as_deref().and_then(|t| t.parse().ok()).ok_or(WebError::NotFound)?;
    let role: TenantRole = found.role.as_deref().and_then(|r| r.parse().ok()).ok_or(WebError::NotFound)?;
    let now = app.now();
    let request_id = visitor.request_id.clone();
    let old_session = visitor.signed_in.as_ref().map(|s| s.session_id.clone());
    let display_name = view.display_name.clone();
    let app2 = app.clone();
    let token = app
        .db
        .write(move |conn| {
            if !account_tokens::mark_used(conn, &found.id, now)? {
                return Ok::<_, WebError>(None);
            }
            let tenant = tenants::find(conn, &tenant_id.to_string())?;
            if !tenant.active {
                return Err(WebError::Forbidden);
            }
            // The network administrator's invitation and the tenant's own both land here.
            let scope = TenantScope::for_system(tenant_id);
            if let Some(hash) = &new_hash {
                users::set_password_hash(conn, &found.user_id, hash)?;
                users::set_display_name(conn, &found.user_id, &display_name)?;
            }
            match memberships::find_for_user(conn, &scope, &found.user_id)? {
                Some(m) if m.status == MembershipStatus::Disabled.as_str() => return Err(WebError::Forbidden),
                Some(m) => {
                    memberships::update(conn, &scope, &m.id, role, MembershipStatus::Active)?;
                }
                None => {
                    memberships::create(conn, &scope, &found.user_id, role, MembershipStatus::Active)?;
                }
            }
            audit(
                conn,
                Some(&scope),
                Some(&found.user_id),
                "member.invitation_accepted",
                ("user", Some(&found.user_id)),
                serde_json::json!({ "role": role.as_str() }),
                &request_id,
            )?;
            // Only someone who has just chosen their password is signed in by the
            // link; an existing account signs in with its password, as always.
            if new_hash.is_none() {
                return Ok(Some(None));
            }
            if let Some(old) = old_session {
                sessions::delete(conn, &old)?;
            }
            Ok(Some(Some(start_session(conn, &app2, &found.user_id, Some(tenant_id.to_string()))?)))
        })
        .await?;
    match token {
        Some(Some(token)) => {
            Ok(with_session_cookie(&app, redirect_with_flash(&app, "/home", "flash-invitation-accepted"), &token))
        }
        Some(None) => Ok(redirect_with_flash(&app, "/login", "flash-invitation-accepted-sign-in")),
        None => token_invalid(&app, &visitor, "invitation"),
    }
}
