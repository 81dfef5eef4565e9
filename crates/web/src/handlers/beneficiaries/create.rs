//! Registering a person: the form (with an optional case-management consent
//! and, for those who may manage documents, a first identity document), and
//! the command `register_person`, which runs the duplicate check and
//! records "create anyway" in the audit.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::people::{self, Registered, Registration};
use relais_domain::{Permission, TenantId};
use relais_persistence::models::beneficiaries::{DuplicateCandidate, DuplicateReason};
use serde::{Deserialize, Serialize};

use super::form::{ConsentForm, DocumentForm, PersonForm};
use super::{Choices, PersonCard, may, person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::render_page;
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

/// A person who may be the one being registered, as the form lists them.
#[derive(Debug, Serialize)]
pub(super) struct CandidateRow {
    person: PersonCard,
    birth_year: Option<i32>,
    reasons: Vec<DuplicateReason>,
}

/// The registration and edit form.
#[derive(Debug, Serialize)]
pub(super) struct FormPage<'a> {
    #[serde(flatten)]
    pub(super) choices: Choices,
    pub(super) form: &'a PersonForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) document: Option<&'a DocumentForm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) consent: Option<&'a ConsentForm>,
    pub(super) errors: &'a FieldErrors,
    pub(super) candidates: Vec<CandidateRow>,
    /// The id of the record being edited (`None` on the new-person form).
    pub(super) editing: Option<String>,
    /// Someone saved the record since the form was loaded.
    pub(super) stale: bool,
    pub(super) with_document: bool,
    pub(super) with_consent: bool,
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
    let page = FormPage {
        choices: Choices::all(),
        form: &form.person,
        document: Some(&form.document),
        consent: Some(&form.consent),
        errors,
        candidates: candidates
            .iter()
            .map(|c| CandidateRow {
                person: PersonCard::of(&c.beneficiary, false),
                birth_year: c.beneficiary.birth_year,
                reasons: c.reasons.clone(),
            })
            .collect(),
        editing: None,
        stale: false,
        with_document: may(ctx, Permission::DocumentManage),
        with_consent: may(ctx, Permission::ConsentManage),
    };
    Ok((status, render_page(app, visitor, "beneficiaries/form.html", &page)?).into_response())
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
    let actor = ctx.actor(&visitor);
    let with_document = may(&ctx, Permission::DocumentManage) && !form.document.is_blank();
    let with_consent = may(&ctx, Permission::ConsentManage) && !form.consent.consent_channel.trim().is_empty();
    let partners: Vec<TenantId> = if with_consent {
        people::consent_partners(&app.core, &actor).await?.into_iter().map(|p| p.id).collect()
    } else {
        Vec::new()
    };
    let mut errors = FieldErrors::new();
    let fields = form.person.check(&mut errors, today);
    let document = if with_document { form.document.check(&mut errors, today) } else { None };
    let consent = if with_consent { form.consent.check(&mut errors, today, &partners) } else { None };
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return render(&app, &visitor, &ctx, &form, &errors, &[], StatusCode::UNPROCESSABLE_ENTITY);
    };
    let registration = Registration { person: fields, document, consent, create_anyway: form.confirm_duplicate == "1" };
    match people::register_person(&app.core, &actor, registration).await.map_err(WebError::from) {
        Ok(Registered::Created(id)) => Ok(Redirect::to(&person_path(id, Some("created"))).into_response()),
        Ok(Registered::PossibleDuplicates(candidates)) => {
            render(&app, &visitor, &ctx, &form, &errors, &candidates, StatusCode::CONFLICT)
        }
        Err(WebError::Invalid(found)) => {
            render(&app, &visitor, &ctx, &form, &found, &[], StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other),
    }
}
