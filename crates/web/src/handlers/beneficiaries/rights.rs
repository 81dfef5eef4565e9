//! Rights of the person (law 09-08, GDPR): export of everything this tenant
//! holds about one person (JSON download and a printable page) and erasure
//! on request, through the commands `export_person` and `erase_person`
//! (both audited; erasure is irreversible and waits until the person's
//! cases are closed).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::people::{self, ExportFormat, PersonExport};
use relais_domain::{BeneficiaryId, Conflict};
use serde::{Deserialize, Serialize};

use super::show::{PageForms, render_person};
use super::{PersonCard, person_path};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::FormData;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The printable export.
#[derive(Debug, Serialize)]
struct ExportPage {
    export: PersonExport,
    person: PersonCard,
}

/// GET /beneficiaries/{id}/export — a JSON download.
pub(crate) async fn export_json(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<BeneficiaryId>,
) -> WebResult<Response> {
    let export = people::export_person(&app.core, &ctx.actor(&visitor), id, ExportFormat::Json).await?;
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
    Id(id): Id<BeneficiaryId>,
) -> WebResult<Response> {
    let export = people::export_person(&app.core, &ctx.actor(&visitor), id, ExportFormat::Print).await?;
    let page = ExportPage { person: PersonCard::of(&export.person, true), export };
    Ok(render_page(&app, &visitor, "beneficiaries/print.html", &page)?.into_response())
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
    Id(id): Id<BeneficiaryId>,
    FormData(form): FormData<EraseForm>,
) -> WebResult<Response> {
    let erased = people::erase_person(&app.core, &ctx.actor(&visitor), id, form.confirm == "yes").await;
    let (message, status) = match erased.map_err(WebError::from) {
        Ok(_) => return Ok(Redirect::to(&person_path(id, Some("erased"))).into_response()),
        Err(WebError::Invalid(errors)) if errors.get("confirm").is_some() => {
            ("ben-error-erase-confirm", StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(WebError::Conflict(Conflict::OpenCases)) => ("ben-error-open-cases", StatusCode::CONFLICT),
        Err(other) => return Err(other),
    };
    let forms = PageForms { erase_error: Some(message), ..PageForms::default() };
    render_person(&app, &visitor, &ctx, id, forms, status).await
}
