//! Rights of the person (law 09-08, GDPR): export of everything this tenant
//! holds about one person (JSON download and a printable page) and erasure
//! on request. Both are audited; erasure is irreversible and waits until the
//! person's cases are closed.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use relais_domain::Permission;
use relais_persistence::models::beneficiaries::{self, Beneficiary, CaseSummary};
use relais_persistence::models::consents::{self, Consent};
use relais_persistence::models::identity_documents::{self, IdentityDocument};
use serde::{Deserialize, Serialize};

use super::show::{PageForms, render_person};
use super::{can, parse_id, person_path};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Everything exported about one person.
#[derive(Debug, Serialize)]
struct Export {
    exported_at: String,
    tenant_id: String,
    person: Beneficiary,
    identity_documents: Vec<IdentityDocument>,
    consents: Vec<Consent>,
    cases: Vec<CaseSummary>,
}

/// Loads the export and audits it.
async fn load(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: &str,
    format: &'static str,
) -> WebResult<Export> {
    let id = parse_id(id)?;
    let with_documents = can(app, ctx, Permission::DocumentRead);
    let at = app.now();
    let (scope, actor, request_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            let person = beneficiaries::find(conn, &scope, &id)?;
            let identity_documents =
                if with_documents { identity_documents::list_for(conn, &scope, &id)? } else { Vec::new() };
            let consents = consents::list_for(conn, &scope, &id)?;
            let cases = beneficiaries::cases_of(conn, &scope, &id)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "beneficiary.exported",
                ("beneficiary", Some(&id)),
                serde_json::json!({ "format": format, "documents": identity_documents.len(), "consents": consents.len(), "cases": cases.len() }),
                &request_id,
            )?;
            Ok::<_, WebError>(Export {
                exported_at: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                tenant_id: scope.tenant_id().to_string(),
                person,
                identity_documents,
                consents,
                cases,
            })
        })
        .await
}

/// GET /beneficiaries/{id}/export — a JSON download.
pub(crate) async fn export_json(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let export = load(&app, &visitor, &ctx, &id, "json").await?;
    let body = serde_json::to_string_pretty(&export).map_err(|e| WebError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"relais-person-{}.json\"", export.person.id);
    Ok(([(CONTENT_TYPE, "application/json; charset=utf-8".to_owned()), (CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

/// GET /beneficiaries/{id}/export/print — the same, as a printable page.
pub(crate) async fn export_print(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let export = load(&app, &visitor, &ctx, &id, "print").await?;
    let mut context = page_context(&app, &visitor);
    context.insert("export", &export);
    context.insert("person", &super::person_json(&export.person, true));
    Ok(app.templates.render("beneficiaries/print.html", &context)?.into_response())
}

/// The erasure form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// POST /beneficiaries/{id}/erase — needs the confirmation box ticked;
/// refused with a message while the person has open cases.
pub(crate) async fn erase(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<EraseForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let (scope, key) = (ctx.scope, id.clone());
    let person = app.db.run(move |conn| beneficiaries::find(conn, &scope, &key)).await?;
    if person.erased_at.is_some() {
        return Err(WebError::Conflict(relais_domain::Conflict::Erased));
    }
    if form.confirm != "yes" {
        let forms = PageForms {
            erase_error: Some("ben-error-erase-confirm"),
            errors: FieldErrors::new(),
            ..PageForms::default()
        };
        return render_person(&app, &visitor, &ctx, &id, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (actor, request_id, key, at) = (ctx.user_id.clone(), visitor.request_id.clone(), id.clone(), app.now());
    let erased = app
        .db
        .write(move |conn| {
            let erasure = beneficiaries::erase(conn, &scope, &key, at)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "beneficiary.erased",
                ("beneficiary", Some(&key)),
                serde_json::json!({ "documents": erasure.documents, "consents": erasure.consents }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await;
    match erased {
        Ok(()) => Ok(Redirect::to(&person_path(&id, Some("erased"))).into_response()),
        Err(WebError::Conflict(relais_domain::Conflict::OpenCases)) => {
            let forms = PageForms { erase_error: Some("ben-error-open-cases"), ..PageForms::default() };
            render_person(&app, &visitor, &ctx, &id, forms, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
