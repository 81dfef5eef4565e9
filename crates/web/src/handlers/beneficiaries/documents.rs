//! Identity documents of a person: add and remove (`document:manage`),
//! through the commands `add_document` and `remove_document`.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::people;
use relais_domain::{BeneficiaryId, DocumentId};

use super::form::DocumentForm;
use super::show::{PageForms, render_person};
use super::{person_path, today};
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::forms::{FieldErrors, FormData};
use crate::paths::{Id, Ids};
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /beneficiaries/{id}/documents
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<BeneficiaryId>,
    FormData(form): FormData<DocumentForm>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    people::ensure_exists(&app.core, &actor, id).await?;
    let mut errors = FieldErrors::new();
    let Some(new) = form.check(&mut errors, today(&app)) else {
        let forms = PageForms { document: Some(form), errors, ..PageForms::default() };
        return render_person(&app, &visitor, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    people::add_document(&app.core, &actor, id, new).await?;
    Ok(Redirect::to(&person_path(id, Some("document_added"))).into_response())
}

/// POST /beneficiaries/{id}/documents/{doc_id}/delete
pub(crate) async fn remove(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(id, doc_id): Ids<BeneficiaryId, DocumentId>,
) -> WebResult<Response> {
    people::remove_document(&app.core, &ctx.actor(&visitor), id, doc_id).await?;
    Ok(Redirect::to(&person_path(id, Some("document_removed"))).into_response())
}
