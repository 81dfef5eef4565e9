//! Identity documents of a person: add and remove (`document:manage`).
//! Their numbers never appear in the audit trail: only ids and types.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_persistence::models::{beneficiaries, identity_documents};

use super::form::DocumentForm;
use super::show::{PageForms, render_person};
use super::{parse_id, person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /beneficiaries/{id}/documents
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<DocumentForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let (scope, key) = (ctx.scope, id.clone());
    app.db.run(move |conn| beneficiaries::find(conn, &scope, &key)).await?;
    let mut errors = FieldErrors::new();
    let Some(new) = form.check(&mut errors, today(&app)) else {
        let forms = PageForms { document: Some(form), errors, ..PageForms::default() };
        return render_person(&app, &visitor, &ctx, &id, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (actor, request_id, key) = (ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    app.db
        .write(move |conn| {
            let doc = identity_documents::add(conn, &scope, &key, &new)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "document.added",
                ("beneficiary", Some(&key)),
                serde_json::json!({ "document_id": doc.id, "doc_type": doc.doc_type }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(Redirect::to(&person_path(&id, Some("document_added"))).into_response())
}

/// POST /beneficiaries/{id}/documents/{doc_id}/delete
pub(crate) async fn remove(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path((id, doc_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let doc_id = parse_id(&doc_id)?;
    let (scope, actor, request_id, key) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    app.db
        .write(move |conn| {
            let doc = identity_documents::remove(conn, &scope, &key, &doc_id)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "document.removed",
                ("beneficiary", Some(&key)),
                serde_json::json!({ "document_id": doc.id, "doc_type": doc.doc_type }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(Redirect::to(&person_path(&id, Some("document_removed"))).into_response())
}
