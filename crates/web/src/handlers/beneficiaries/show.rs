//! GET /beneficiaries/{id} — the person's page. Each rendering is a view of
//! personal data and is audited (`beneficiary.viewed`), including a page
//! shown again with a form's errors.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_persistence::models::audit::list_for_target;
use relais_persistence::models::{beneficiaries, consents, identity_documents, users};
use serde::Deserialize;

use super::form::{ConsentForm, DocumentForm};
use super::{can, choices, parse_id, partners, person_json, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::FieldErrors;
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// How many audit events the record's page shows.
const AUDIT_ROWS: i64 = 50;

/// One-time messages a redirect may ask the page to show (`?done=…`).
const DONE: &[&str] =
    &["created", "updated", "document_added", "document_removed", "consent_recorded", "consent_withdrawn", "erased"];

/// What the page's own forms hold when it is shown again after a refused post.
#[derive(Debug, Default)]
pub(super) struct PageForms {
    pub(super) document: Option<DocumentForm>,
    pub(super) consent: Option<ConsentForm>,
    pub(super) errors: FieldErrors,
    /// A page-level message about the erasure form.
    pub(super) erase_error: Option<&'static str>,
    pub(super) done: Option<&'static str>,
}

/// Renders the person's page and audits the view.
pub(super) async fn render_person(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: &str,
    forms: PageForms,
    status: StatusCode,
) -> WebResult<Response> {
    let show_documents = can(app, ctx, Permission::DocumentRead);
    let show_cases = can(app, ctx, Permission::CaseRead);
    let show_audit = can(app, ctx, Permission::AuditRead);
    let full = can(app, ctx, Permission::BeneficiaryUpdate);
    let (scope, actor, request_id, id, c2) =
        (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.to_owned(), ctx.clone());
    let loaded = app
        .db
        .write(move |conn| {
            let person = beneficiaries::find(conn, &scope, &id)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "beneficiary.viewed",
                ("beneficiary", Some(&id)),
                serde_json::json!({ "documents_shown": show_documents }),
                &request_id,
            )?;
            let documents = if show_documents { identity_documents::list_for(conn, &scope, &id)? } else { Vec::new() };
            let consents = consents::list_for(conn, &scope, &id)?;
            let cases = if show_cases { beneficiaries::cases_of(conn, &scope, &id)? } else { Vec::new() };
            let events = if show_audit {
                list_for_target(conn, &scope, relais_domain::AuditTarget::Beneficiary, &id, AUDIT_ROWS)?
            } else {
                Vec::new()
            };
            let mut names: BTreeMap<String, String> = BTreeMap::new();
            let actors = events.iter().filter_map(|e| e.actor_user_id.map(|u| u.to_string()));
            let recorders = consents.iter().flat_map(|c| [c.recorded_by.clone(), c.withdrawn_by.clone()]).flatten();
            for user_id in actors.chain(recorders) {
                if let std::collections::btree_map::Entry::Vacant(slot) = names.entry(user_id) {
                    let name = users::find(conn, slot.key()).map(|u| u.display_name).unwrap_or_default();
                    slot.insert(name);
                }
            }
            let partners: BTreeMap<String, String> = partners(conn, &c2)?.into_iter().collect();
            Ok::<_, WebError>((person, documents, consents, cases, events, names, partners))
        })
        .await?;
    let (person, documents, consents, cases, events, names, partner_names) = loaded;
    let name_of = |id: &Option<String>| id.as_ref().and_then(|i| names.get(i).cloned());
    let consent_rows: Vec<_> = consents
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id, "purpose": c.purpose, "channel": c.channel, "language": c.language,
                "partner": c.partner_tenant_id.as_ref().map(|p| partner_names.get(p).cloned().unwrap_or_else(|| p.clone())),
                "service": c.service_ref, "witness": c.witness,
                "given_on": c.given_on.to_string(), "expires_on": c.expires_on.map(|d| d.to_string()),
                "withdrawn_on": c.withdrawn_on.map(|d| d.to_string()),
                "recorded_by": name_of(&c.recorded_by), "withdrawn_by": name_of(&c.withdrawn_by),
            })
        })
        .collect();
    let document_rows: Vec<_> = documents
        .iter()
        .map(|d| {
            serde_json::json!({
                "id": d.id, "doc_type": d.doc_type, "number": d.number,
                "issued_on": d.issued_on.map(|x| x.to_string()), "expires_on": d.expires_on.map(|x| x.to_string()),
            })
        })
        .collect();
    let event_rows: Vec<_> = events
        .iter()
        .map(|e| {
            serde_json::json!({
                "at": e.occurred_at.format("%Y-%m-%d %H:%M").to_string(), "action": e.action,
                "actor": name_of(&e.actor_user_id.map(|u| u.to_string())).filter(|n| !n.is_empty()).or(e.actor_user_id.map(|u| u.to_string())),
                "details": e.details,
            })
        })
        .collect();
    let erased = person.erased_at.is_some();
    let today = today(app);
    let mut context = page_context(app, visitor);
    choices(&mut context);
    context.insert("person", &person_json(&person, full));
    context.insert("full", &full);
    context.insert("show_documents", &show_documents);
    context.insert("documents", &document_rows);
    context.insert("consents", &consent_rows);
    context.insert("show_cases", &show_cases);
    context.insert("cases", &cases);
    context.insert("show_audit", &show_audit);
    context.insert("events", &event_rows);
    context.insert(
        "partners",
        &partner_names.iter().map(|(id, name)| serde_json::json!({"id": id, "name": name})).collect::<Vec<_>>(),
    );
    context.insert("can_update", &(full && !erased));
    context.insert("can_manage_documents", &(can(app, ctx, Permission::DocumentManage) && !erased));
    context.insert("can_manage_consents", &(can(app, ctx, Permission::ConsentManage) && !erased));
    context.insert("can_export", &can(app, ctx, Permission::BeneficiaryExport));
    context.insert("can_erase", &(can(app, ctx, Permission::BeneficiaryErase) && !erased));
    context.insert("document", &forms.document.unwrap_or_default());
    context.insert("consent", &forms.consent.unwrap_or_else(|| ConsentForm::blank(today, visitor.lang)));
    context.insert("errors", &forms.errors);
    context.insert("erase_error", &forms.erase_error);
    context.insert("done", &forms.done);
    Ok((status, app.templates.render("beneficiaries/show.html", &context)?).into_response())
}

/// The page's query string.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowParams {
    #[serde(default)]
    done: String,
}

/// GET /beneficiaries/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    Query(params): Query<ShowParams>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let done = DONE.iter().copied().find(|d| *d == params.done);
    render_person(&app, &visitor, &ctx, &id, PageForms { done, ..PageForms::default() }, StatusCode::OK).await
}
