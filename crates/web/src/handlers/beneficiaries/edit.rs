//! Changing a person's record. The form carries the version it was loaded
//! at; a save against a newer version is refused (409) with a message in
//! the form, and nothing is overwritten.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_persistence::models::beneficiaries;

use super::form::PersonForm;
use super::{choices, parse_id, person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

fn render(
    app: &AppState,
    visitor: &Visitor,
    id: &str,
    form: &PersonForm,
    errors: &FieldErrors,
    stale: bool,
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    choices(&mut context);
    context.insert("form", form);
    context.insert("errors", errors);
    context.insert("editing", &Some(id));
    context.insert("stale", &stale);
    context.insert("candidates", &Vec::<serde_json::Value>::new());
    context.insert("with_document", &false);
    context.insert("with_consent", &false);
    Ok((status, app.templates.render("beneficiaries/form.html", &context)?).into_response())
}

/// GET /beneficiaries/{id}/edit — shows the record's data, so it is audited as a view.
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let (scope, actor, request_id, key) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    let person = app
        .db
        .write(move |conn| {
            let person = beneficiaries::find(conn, &scope, &key)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "beneficiary.viewed",
                ("beneficiary", Some(&key)),
                serde_json::json!({ "page": "edit" }),
                &request_id,
            )?;
            Ok::<_, WebError>(person)
        })
        .await?;
    if person.erased_at.is_some() {
        return Err(WebError::Conflict(relais_domain::Conflict::Erased));
    }
    render(&app, &visitor, &id, &PersonForm::from_record(&person), &FieldErrors::new(), false, StatusCode::OK)
}

/// POST /beneficiaries/{id}/edit
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<PersonForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let (scope, key) = (ctx.scope, id.clone());
    // The record must exist in this tenant before anything is said about the form.
    app.db.run(move |conn| beneficiaries::find(conn, &scope, &key)).await?;
    let mut errors = FieldErrors::new();
    let Some(fields) = form.check(&mut errors, today(&app)) else {
        return render(&app, &visitor, &id, &form, &errors, false, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return Err(WebError::BadRequest("missing version".into()));
    };
    let (actor, request_id, key) = (ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    let saved = app
        .db
        .write(move |conn| {
            let (before, after) = beneficiaries::update(conn, &scope, &key, version, &fields)?;
            let changed = beneficiaries::change_details(&before, &after);
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "beneficiary.updated",
                ("beneficiary", Some(&key)),
                serde_json::json!({ "changed": changed, "version": after.version }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await;
    match saved {
        Ok(()) => Ok(Redirect::to(&person_path(&id, Some("updated"))).into_response()),
        Err(WebError::Conflict(relais_domain::Conflict::StaleVersion)) => {
            render(&app, &visitor, &id, &form, &errors, true, StatusCode::CONFLICT)
        }
        Err(other) => Err(other),
    }
}
