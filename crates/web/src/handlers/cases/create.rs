//! Opening a case for a person of the tenant.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::cases::{self, NewCase};
use relais_domain::case_file::Pathway;
use relais_domain::{BeneficiaryId, TenantRole, UserId};
use relais_persistence::models::cases::PersonName;
use serde::{Deserialize, Serialize};

use super::{INVALID, date_text, merge, parse_date, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// Prefix of the checkbox of each caseworker who may be assigned
/// (`assign-<user id>=on`): a plain form cannot repeat a field name here.
const ASSIGN_PREFIX: &str = "assign-";

/// The new-case form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(crate) struct CreateForm {
    #[serde(default)]
    beneficiary: String,
    #[serde(default)]
    pathway: String,
    #[serde(default)]
    intake_date: String,
    #[serde(default)]
    referral_source: String,
    #[serde(default)]
    goals: String,
    /// The `assign-…` checkboxes (and anything else sent).
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl CreateForm {
    /// The person the form is for (an id that does not read names nobody: 404).
    fn person(&self) -> WebResult<BeneficiaryId> {
        self.beneficiary.trim().parse().map_err(|_| WebError::NotFound)
    }

    /// The ids of the ticked caseworkers, and whether every ticked box named one.
    fn assignees(&self) -> (Vec<UserId>, bool) {
        let ticked: Vec<&str> = self.rest.keys().filter_map(|k| k.strip_prefix(ASSIGN_PREFIX)).collect();
        let ids: Vec<UserId> = ticked.iter().filter_map(|id| id.parse().ok()).collect();
        let all_read = ids.len() == ticked.len();
        (ids, all_read)
    }
}

/// The `?beneficiary=` of the new-case page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    beneficiary: String,
}

/// A caseworker who may be assigned at once.
#[derive(Debug, Serialize)]
struct WorkerChoice {
    user_id: UserId,
    name: String,
    role: TenantRole,
    checked: bool,
}

/// The new-case page (`cases/new.html`).
#[derive(Debug, Serialize)]
struct NewCasePage<'a> {
    person: PersonName,
    pathways: &'static [Pathway],
    workers: Vec<WorkerChoice>,
    form: &'a CreateForm,
    errors: &'a FieldErrors,
}

async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    form: &CreateForm,
    checked: &[UserId],
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let shown = cases::new_case_form(&app.core, &ctx.actor(visitor), form.person()?).await?;
    let page = NewCasePage {
        person: shown.person,
        pathways: Pathway::ALL,
        workers: shown
            .workers
            .into_iter()
            .map(|w| WorkerChoice {
                checked: checked.contains(&w.user_id),
                user_id: w.user_id,
                name: w.display_name,
                role: w.role,
            })
            .collect(),
        form,
        errors,
    };
    Ok((status, render_page(app, visitor, "cases/new.html", &page)?).into_response())
}

/// GET /cases/new?beneficiary={id}
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<NewQuery>,
) -> WebResult<Response> {
    let form = CreateForm {
        beneficiary: query.beneficiary,
        intake_date: date_text(app.now().date()),
        ..CreateForm::default()
    };
    let me = [ctx.member.user_id];
    render(&app, &visitor, &ctx, &form, &me, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /cases
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<CreateForm>,
) -> WebResult<Response> {
    let person = form.person()?;
    let mut errors = FieldErrors::new();
    let intake_date = parse_date(&mut errors, "intake_date", &form.intake_date);
    let (assignees, all_read) = form.assignees();
    if !all_read {
        errors.add("assignees", "case-error-not-assignable");
    }
    let new = NewCase {
        person,
        pathway: form.pathway.parse().ok(),
        intake_date,
        referral_source: form.referral_source.clone(),
        goals: form.goals.clone(),
        assignees: assignees.clone(),
    };
    merge(&mut errors, new.check(app.now().date()));
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, &form, &assignees, &errors, INVALID).await;
    }
    match cases::open_case(&app.core, &ctx.actor(&visitor), new).await.map_err(WebError::from) {
        Ok(id) => Ok(to_case(id, "main")),
        Err(WebError::Invalid(errors)) => render(&app, &visitor, &ctx, &form, &assignees, &errors, INVALID).await,
        Err(other) => Err(other),
    }
}
