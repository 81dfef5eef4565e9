//! Opening a case for a person of the tenant.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::case_file::{self, Pathway};
use relais_persistence::models::cases::{self, CaseError, NewCase};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{INVALID, date_text, parse_date, parse_id, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
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
    fn assignees(&self) -> Vec<String> {
        self.rest.keys().filter_map(|k| k.strip_prefix(ASSIGN_PREFIX)).map(str::to_owned).collect()
    }
}

/// The `?beneficiary=` of the new-case page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    beneficiary: String,
}

async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    form: &CreateForm,
    checked: &[String],
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let beneficiary = parse_id(&form.beneficiary)?;
    let scope = ctx.scope;
    let (person, workers) = app
        .db
        .run(move |conn| {
            if !cases::beneficiary_exists(conn, &scope, &beneficiary)? {
                return Err(WebError::NotFound);
            }
            Ok((cases::person_name(conn, &scope, &beneficiary)?, cases::workers(conn, &scope)?))
        })
        .await?;
    let mut context = page_context(app, visitor);
    context.insert("person", &json!({ "given_names": person.given_names, "family_names": person.family_names }));
    context.insert("pathways", &Pathway::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>());
    context.insert(
        "workers",
        &workers
            .iter()
            .map(|w| json!({ "user_id": w.user_id, "name": w.display_name, "role": w.role, "checked": checked.contains(&w.user_id) }))
            .collect::<Vec<_>>(),
    );
    context.insert("form", form);
    context.insert("errors", errors);
    Ok((status, app.templates.render("cases/new.html", &context)?).into_response())
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
    render(&app, &visitor, &ctx, &form, std::slice::from_ref(&ctx.user_id), &FieldErrors::new(), StatusCode::OK).await
}

/// POST /cases
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<CreateForm>,
) -> WebResult<Response> {
    let beneficiary = parse_id(&form.beneficiary)?;
    let checked = form.assignees();
    let mut errors = FieldErrors::new();
    let pathway = form.pathway.parse::<Pathway>().map_err(|_| errors.add("pathway", "error-choose")).ok();
    let intake_date = parse_date(&mut errors, "intake_date", &form.intake_date, true);
    if intake_date.is_some_and(|d| d > app.now().date()) {
        errors.add("intake_date", "case-error-future-date");
    }
    let referral_source =
        forms::text(&mut errors, "referral_source", &form.referral_source, case_file::REFERRAL_SOURCE_MAX, false);
    let goals = forms::text(&mut errors, "goals", &form.goals, case_file::GOALS_MAX, false);
    let assignees: Vec<String> = checked.iter().filter_map(|id| parse_id(id).ok()).collect();
    if assignees.len() != checked.len() {
        errors.add("assignees", "case-error-not-assignable");
    }
    let (Some(pathway), Some(intake_date), true) = (pathway, intake_date, errors.is_empty()) else {
        return render(&app, &visitor, &ctx, &form, &checked, &errors, INVALID).await;
    };
    let (scope, actor, request_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    let created = app
        .db
        .write(move |conn| {
            fn optional(s: &str) -> Option<&str> {
                Some(s).filter(|s| !s.is_empty())
            }
            let new = NewCase {
                beneficiary_id: &beneficiary,
                pathway,
                intake_date,
                referral_source: optional(&referral_source),
                goals: optional(&goals),
                created_by: &actor,
            };
            let case = cases::create(conn, &scope, &new)?;
            let target = ("case", Some(case.id.as_str()));
            let details = json!({ "beneficiary_id": beneficiary, "pathway": pathway.as_str() });
            audit(conn, Some(&scope), Some(&actor), "case.created", target, details, &request_id)?;
            for user_id in &assignees {
                cases::assign(conn, &scope, &case.id, user_id, &actor)?;
                audit(
                    conn,
                    Some(&scope),
                    Some(&actor),
                    "case.assigned",
                    target,
                    json!({ "user_id": user_id }),
                    &request_id,
                )?;
            }
            Ok::<_, CaseError>(case.id)
        })
        .await;
    match created {
        Ok(id) => Ok(to_case(&id, "main")),
        Err(CaseError::NotAssignable) => {
            errors.add("assignees", "case-error-not-assignable");
            render(&app, &visitor, &ctx, &form, &checked, &errors, INVALID).await
        }
        Err(other) => Err(other.into()),
    }
}
