//! Registering a person: the form (with an optional case-management consent
//! and, for those who may manage documents, a first identity document), the
//! duplicate check, and "create anyway", which is recorded in the audit.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_domain::{Permission, names};
use relais_persistence::models::beneficiaries::{self, DuplicateCandidate, DuplicateProbe};
use relais_persistence::models::{consents, identity_documents};
use serde::{Deserialize, Serialize};

use super::form::{ConsentForm, DocumentForm, PersonForm};
use super::{can, choices, partners, person_json, person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// The new-person form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct CreateForm {
    #[serde(flatten)]
    person: PersonForm,
    #[serde(flatten)]
    document: DocumentForm,
    #[serde(flatten)]
    consent: ConsentForm,
    /// `1` once the user has seen the duplicate candidates and creates anyway.
    confirm_duplicate: String,
}

/// Renders the form (fresh, refilled with errors, or with duplicate candidates).
fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    form: &CreateForm,
    errors: &FieldErrors,
    candidates: &[DuplicateCandidate],
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    choices(&mut context);
    let rows: Vec<_> = candidates
        .iter()
        .map(|c| {
            serde_json::json!({
                "person": person_json(&c.beneficiary, false),
                "birth_year": c.beneficiary.birth_year,
                "reasons": c.reasons,
            })
        })
        .collect();
    context.insert("form", &form.person);
    context.insert("document", &form.document);
    context.insert("consent", &form.consent);
    context.insert("errors", errors);
    context.insert("candidates", &rows);
    context.insert("editing", &Option::<String>::None);
    context.insert("stale", &false);
    context.insert("with_document", &can(app, ctx, Permission::DocumentManage));
    context.insert("with_consent", &can(app, ctx, Permission::ConsentManage));
    Ok((status, app.templates.render("beneficiaries/form.html", &context)?).into_response())
}

/// GET /beneficiaries/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let form = CreateForm { consent: ConsentForm::blank(today(&app), visitor.lang), ..CreateForm::default() };
    render(&app, &visitor, &ctx, &form, &FieldErrors::new(), &[], StatusCode::OK)
}

/// POST /beneficiaries
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<CreateForm>,
) -> WebResult<Response> {
    let today = today(&app);
    let with_document = can(&app, &ctx, Permission::DocumentManage) && !form.document.is_blank();
    let with_consent = can(&app, &ctx, Permission::ConsentManage) && !form.consent.consent_channel.trim().is_empty();
    let c2 = ctx.clone();
    let partner_ids: Vec<String> =
        app.db.run(move |conn| partners(conn, &c2)).await?.into_iter().map(|(id, _)| id).collect();
    let mut errors = FieldErrors::new();
    let fields = form.person.check(&mut errors, today);
    let document = if with_document { form.document.check(&mut errors, today) } else { None };
    let consent = if with_consent { form.consent.check(&mut errors, today, &partner_ids) } else { None };
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return render(&app, &visitor, &ctx, &form, &errors, &[], StatusCode::UNPROCESSABLE_ENTITY);
    };
    let probe = DuplicateProbe {
        name_key: names::name_key(&fields.given_names, &fields.family_names),
        birth_year: fields.birth_year,
        document_keys: document.iter().map(|d| relais_domain::beneficiary::document_number_key(&d.number)).collect(),
        exclude_id: None,
    };
    let confirmed = form.confirm_duplicate == "1";
    let (scope, actor, request_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    let outcome = app
        .db
        .write(move |conn| {
            let candidates = beneficiaries::duplicates(conn, &scope, &probe)?;
            if !candidates.is_empty() && !confirmed {
                return Ok::<_, WebError>(Err(candidates));
            }
            let person = beneficiaries::create(conn, &scope, &fields, Some(&actor))?;
            let (action, details) = if candidates.is_empty() {
                ("beneficiary.created", serde_json::json!({}))
            } else {
                let ids: Vec<&str> = candidates.iter().map(|c| c.beneficiary.id.as_str()).collect();
                ("beneficiary.created_despite_duplicates", serde_json::json!({ "candidates": ids }))
            };
            audit(conn, Some(&scope), Some(&actor), action, ("beneficiary", Some(&person.id)), details, &request_id)?;
            if let Some(new) = &document {
                let doc = identity_documents::add(conn, &scope, &person.id, new)?;
                let details = serde_json::json!({ "document_id": doc.id, "doc_type": doc.doc_type });
                audit(
                    conn,
                    Some(&scope),
                    Some(&actor),
                    "document.added",
                    ("beneficiary", Some(&person.id)),
                    details,
                    &request_id,
                )?;
            }
            if let Some(new) = &consent {
                let c = consents::record(conn, &scope, &person.id, new, Some(&actor))?;
                let details = serde_json::json!({ "consent_id": c.id, "purpose": c.purpose });
                audit(
                    conn,
                    Some(&scope),
                    Some(&actor),
                    "consent.recorded",
                    ("beneficiary", Some(&person.id)),
                    details,
                    &request_id,
                )?;
            }
            Ok(Ok(person))
        })
        .await?;
    match outcome {
        Ok(person) => Ok(Redirect::to(&person_path(&person.id, Some("created"))).into_response()),
        Err(candidates) => render(&app, &visitor, &ctx, &form, &errors, &candidates, StatusCode::CONFLICT),
    }
}
