//! Accepting an invitation: the invitee chooses a password (if the account
//! has none yet), the membership becomes active, and they are signed in.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::accounts::{self, AcceptInvitation, InvitationAccepted, InvitationView};
use serde::{Deserialize, Serialize};

use super::password::token_invalid;
use super::{redirect_with_flash, session_length, with_session_cookie};
use crate::error::WebResult;
use crate::forms::{FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The invitation page: what the link offers, and the form's errors.
#[derive(Serialize)]
struct InvitationPage<'a> {
    #[serde(flatten)]
    invitation: &'a InvitationView,
    errors: &'a FieldErrors,
}

fn render(
    app: &AppState,
    visitor: &Visitor,
    invitation: &InvitationView,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let page = InvitationPage { invitation, errors };
    Ok((status, render_page(app, visitor, "invitation.html", &page)?).into_response())
}

/// GET /invitations/{token}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    match accounts::invitation(&app.core, &token).await? {
        Some(invitation) => render(&app, &visitor, &invitation, &FieldErrors::new(), StatusCode::OK),
        None => token_invalid(&app, &visitor, "invitation"),
    }
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
    let typed_name = form.display_name.trim().to_owned();
    let input = AcceptInvitation {
        display_name: form.display_name,
        password: form.password,
        confirm: form.confirm,
        replaces_session: visitor.signed_in.as_ref().map(|s| s.session_id.clone()),
    };
    match accounts::accept_invitation(&app.core, &visitor.actor(), &token, input, session_length(&app)).await {
        Ok(InvitationAccepted::SignedIn(session)) => {
            Ok(with_session_cookie(&app, redirect_with_flash(&app, "/home", "flash-invitation-accepted"), &session.0))
        }
        Ok(InvitationAccepted::SignInWithPassword) => {
            Ok(redirect_with_flash(&app, "/login", "flash-invitation-accepted-sign-in"))
        }
        Ok(InvitationAccepted::LinkUnusable) => token_invalid(&app, &visitor, "invitation"),
        Err(AppError::Validation(errors)) => {
            let Some(mut invitation) = accounts::invitation(&app.core, &token).await? else {
                return token_invalid(&app, &visitor, "invitation");
            };
            invitation.display_name = typed_name;
            render(&app, &visitor, &invitation, &errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other.into()),
    }
}
