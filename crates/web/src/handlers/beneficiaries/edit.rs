//! Changing a person's record. The form carries the version it was loaded
//! at; a save against a newer version is refused (409) with a message in
//! the form, and nothing is overwritten.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::people;
use relais_domain::{BeneficiaryId, Conflict};

use super::create::FormPage;
use super::form::PersonForm;
use super::{Choices, person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

fn render(
    app: &AppState,
    visitor: &Visitor,
    id: BeneficiaryId,
    form: &PersonForm,
    errors: &FieldErrors,
    stale: bool,
    status: StatusCode,
) -> WebResult<Response> {
    let page = FormPage {
        choices: Choices::all(),
        form,
        document: None,
        consent: None,
        errors,
        candidates: Vec::new(),
        editing: Some(id.to_string()),
        stale,
        with_document: false,
        with_consent: false,
    };
    Ok((status, render_page(app, visitor, "beneficiaries/form.html", &page)?).into_response())
}

/// GET /beneficiaries/{id}/edit — shows the record's data, so the command
/// audits it as a view.
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<BeneficiaryId>,
) -> WebResult<Response> {
    let person = people::view_person_for_edit(&app.core, &ctx.actor(&visitor), id).await?;
    render(&app, &visitor, id, &PersonForm::from_record(&person), &FieldErrors::new(), false, StatusCode::OK)
}

/// POST /beneficiaries/{id}/edit
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<BeneficiaryId>,
    FormData(form): FormData<PersonForm>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    // The record must exist in this tenant before anything is said about the form.
    people::ensure_exists(&app.core, &actor, id).await?;
    let mut errors = FieldErrors::new();
    let Some(fields) = form.check(&mut errors, today(&app)) else {
        return render(&app, &visitor, id, &form, &errors, false, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return Err(WebError::BadRequest("missing version".into()));
    };
    match people::update_person(&app.core, &actor, id, version, fields).await.map_err(WebError::from) {
        Ok(_) => Ok(Redirect::to(&person_path(id, Some("updated"))).into_response()),
        Err(WebError::Conflict(Conflict::StaleVersion)) => {
            render(&app, &visitor, id, &form, &errors, true, StatusCode::CONFLICT)
        }
        Err(other) => Err(other),
    }
}
