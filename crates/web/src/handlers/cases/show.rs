//! The case page (every view is audited) and the edit of a case's
//! description with its optimistic version check.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_domain::case_file::{self, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_persistence::models::cases::{self, CaseChanges};
use relais_persistence::models::{audit as audit_log, case_events, case_notes, memberships, tasks};
use relais_persistence::{DbConnection, TenantScope};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{date_text, parse_id, time_text, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Timeline events shown on the page.
const TIMELINE_MAX: i64 = 200;
/// Audit events shown to administrators on the page.
const AUDIT_MAX: i64 = 50;

/// Every form of the case page, as typed (field names are unique on the page).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(super) struct CaseForms {
    #[serde(default)]
    pub(super) pathway: String,
    #[serde(default)]
    pub(super) referral_source: String,
    #[serde(default)]
    pub(super) goals: String,
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) closed_reason: String,
    #[serde(default)]
    pub(super) user_id: String,
    #[serde(default)]
    pub(super) body: String,
    #[serde(default)]
    pub(super) visibility: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) due_on: String,
    #[serde(default)]
    pub(super) assignee_id: String,
}

/// What the page shows besides the case: forms refilled after a problem,
/// and a message for the whole page.
#[derive(Debug, Default)]
pub(super) struct PageState {
    /// Forms as typed; `None` shows the case's current description.
    pub(super) forms: Option<CaseForms>,
    /// Problems next to fields.
    pub(super) errors: FieldErrors,
    /// A message key shown at the top of the page.
    pub(super) message: Option<&'static str>,
}

fn event_view(e: &case_events::CaseEvent, names: &HashMap<String, String>) -> Value {
    let details: Value = serde_json::from_str(&e.details).unwrap_or(Value::Null);
    let text = |key: &str| details.get(key).and_then(Value::as_str).map(str::to_owned);
    let changed: Vec<String> = details
        .get("changed")
        .and_then(Value::as_array)
        .map(|fields| {
            fields.iter().filter_map(Value::as_str).map(|f| format!("case-field-{}", f.replace('_', "-"))).collect()
        })
        .unwrap_or_default();
    json!({
        "kind": e.kind.replace('_', "-"),
        "at": time_text(e.occurred_at),
        "actor_name": e.actor_name,
        "from": text("from"), "to": text("to"), "reason": text("reason"),
        "visibility": text("visibility"),
        "user_name": text("user_id").map(|id| names.get(&id).cloned().unwrap_or_else(|| "—".to_owned())),
        "changed": changed,
    })
}

/// Loads everything the page shows, records the view in the audit trail,
/// and renders the page.
pub(super) async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    case_id: &str,
    state: PageState,
    status: StatusCode,
) -> WebResult<Response> {
    let tenant_key = ctx.scope.tenant_id().to_string();
    let can_update = app.authz.is_allowed(&ctx.user_id, &tenant_key, Permission::CaseUpdate);
    let can_audit = app.authz.is_allowed(&ctx.user_id, &tenant_key, Permission::AuditRead);
    let (scope, user, id, request_id) =
        (ctx.scope, ctx.user_id.clone(), case_id.to_owned(), visitor.request_id.clone());
    let loaded = app.db.write(move |conn| load(conn, &scope, &user, &id, can_audit, &request_id)).await?;
    let Loaded { case, person, assignees, workers, notes, tasks, events, trail, names } = loaded;
    let today = app.now().date();

    let forms = state.forms.unwrap_or_else(|| CaseForms {
        pathway: case.pathway.clone(),
        referral_source: case.referral_source.clone().unwrap_or_default(),
        goals: case.goals.clone().unwrap_or_default(),
        version: case.version.to_string(),
        visibility: NoteVisibility::Normal.as_str().into(),
        assignee_id: ctx.user_id.clone(),
        ..CaseForms::default()
    });
    let current_status = case.status()?;
    let mut context = page_context(app, visitor);
    context.insert(
        "case",
        &json!({
            "id": case.id, "reference": case.reference, "pathway": case.pathway, "status": case.status,
            "closed_reason": case.closed_reason, "intake_date": date_text(case.intake_date),
            "referral_source": case.referral_source, "goals": case.goals, "version": case.version,
            "updated_at": time_text(case.updated_at),
        }),
    );
    context.insert(
        "person",
        &json!({ "id": case.beneficiary_id, "given_names": person.given_names, "family_names": person.family_names }),
    );
    context.insert("can_update", &can_update);
    context.insert(
        "next_statuses",
        &case_file::next_statuses(current_status).iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    );
    context.insert("close_reasons", &CloseReason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>());
    context.insert("pathways", &Pathway::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>());
    context.insert("visibilities", &NoteVisibility::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>());
    context.insert(
        "assignees",
        &assignees.iter().map(|(id, name)| json!({ "user_id": id, "name": name })).collect::<Vec<_>>(),
    );
    let assigned: Vec<&str> = assignees.iter().map(|(id, _)| id.as_str()).collect();
    context.insert(
        "assignable",
        &workers
            .iter()
            .filter(|w| !assigned.contains(&w.user_id.as_str()))
            .map(|w| json!({ "user_id": w.user_id, "name": w.display_name }))
            .collect::<Vec<_>>(),
    );
    context.insert(
        "workers",
        &workers.iter().map(|w| json!({ "user_id": w.user_id, "name": w.display_name })).collect::<Vec<_>>(),
    );
    context.insert(
        "notes",
        &notes
            .iter()
            .map(|n| json!({ "author_name": n.author_name, "visibility": n.visibility, "body": n.body, "at": time_text(n.created_at) }))
            .collect::<Vec<_>>(),
    );
    context.insert(
        "tasks",
        &tasks
            .iter()
            .map(|t| {
                json!({
                    "id": t.id, "title": t.title, "due_on": t.due_on.map(date_text), "assignee_name": t.assignee_name,
                    "done": t.done_at.is_some(), "overdue": t.done_at.is_none() && t.due_on.is_some_and(|d| d < today),
                })
            })
            .collect::<Vec<_>>(),
    );
    context.insert("events", &events.iter().map(|e| event_view(e, &names)).collect::<Vec<_>>());
    context.insert(
        "trail",
        &trail
            .iter()
            .map(|e| {
                let actor = e.actor_user_id.map(|id| id.to_string()).map(|id| names.get(&id).cloned().unwrap_or(id));
                json!({ "at": time_text(e.occurred_at), "action": e.action, "actor": actor })
            })
            .collect::<Vec<_>>(),
    );
    context.insert("can_audit", &can_audit);
    let typed_case: relais_domain::CaseId = case_id.parse().map_err(|_| WebError::NotFound)?;
    let referrals = relais_app::referrals::for_case(&app.core, &ctx.actor(visitor), typed_case).await?;
    let referrals: Vec<_> = referrals.iter().map(|l| crate::views::CaseReferralRow::new(l, visitor.lang)).collect();
    context.insert("referrals", &referrals);
    context.insert("can_refer", &app.authz.is_allowed(&ctx.user_id, &tenant_key, Permission::ReferralDraft));
    context.insert("form", &forms);
    context.insert("errors", &state.errors);
    context.insert("message", &state.message);
    Ok((status, app.templates.render("cases/show.html", &context)?).into_response())
}

struct Loaded {
    case: cases::Case,
    person: cases::PersonName,
    assignees: Vec<(String, String)>,
    workers: Vec<cases::Worker>,
    notes: Vec<case_notes::CaseNote>,
    tasks: Vec<tasks::Task>,
    events: Vec<case_events::CaseEvent>,
    trail: Vec<audit_log::AuditEvent>,
    names: HashMap<String, String>,
}

fn load(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user: &str,
    id: &str,
    with_trail: bool,
    request_id: &str,
) -> Result<Loaded, WebError> {
    let case = cases::find(conn, scope, id)?;
    let person = cases::person_name(conn, scope, &case.beneficiary_id)?;
    let reader = case_notes::reader(conn, scope, user)?;
    let names: HashMap<String, String> =
        memberships::list_members(conn, scope)?.into_iter().map(|m| (m.user_id, m.display_name)).collect();
    audit(conn, Some(scope), Some(user), "case.viewed", ("case", Some(id)), json!({}), request_id)?;
    Ok(Loaded {
        assignees: cases::assignees(conn, scope, id)?,
        workers: cases::workers(conn, scope)?,
        notes: case_notes::list_for_reader(conn, scope, id, &reader)?,
        tasks: tasks::list_for_case(conn, scope, id)?,
        events: case_events::list(conn, scope, id, TIMELINE_MAX)?,
        trail: if with_trail {
            audit_log::list_for_target(conn, scope, relais_domain::AuditTarget::Case, id, AUDIT_MAX)?
        } else {
            Vec::new()
        },
        names,
        person,
        case,
    })
}

/// GET /cases/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    render(&app, &visitor, &ctx, &id, PageState::default(), StatusCode::OK).await
}

/// Checks the edit form.
fn check_edit(form: &CaseForms, errors: &mut FieldErrors) -> Option<(i32, CaseChanges)> {
    let pathway = form.pathway.parse::<Pathway>().map_err(|_| errors.add("pathway", "error-choose")).ok();
    let referral_source =
        forms::text(errors, "referral_source", &form.referral_source, case_file::REFERRAL_SOURCE_MAX, false);
    let goals = forms::text(errors, "goals", &form.goals, case_file::GOALS_MAX, false);
    let version = form.version.trim().parse::<i32>().ok();
    if !errors.is_empty() {
        return None;
    }
    let optional = |s: String| Some(s).filter(|s| !s.is_empty());
    Some((
        version?,
        CaseChanges { pathway: pathway?, referral_source: optional(referral_source), goals: optional(goals) },
    ))
}

/// POST /cases/{id} — edit pathway, referral source and goals. A form based
/// on an older version is refused (409) and nothing is overwritten.
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let Some((version, changes)) = check_edit(&form, &mut errors) else {
        if errors.is_empty() {
            return Err(WebError::BadRequest("missing version".into()));
        }
        let state = PageState { forms: Some(form), errors, message: None };
        return render(&app, &visitor, &ctx, &id, state, super::INVALID).await;
    };
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    let saved = app
        .db
        .write(move |conn| {
            let (before, after) = cases::update(conn, &scope, &case_id, version, &changes, &actor)?;
            let changed = cases::changed_fields(&before, &after);
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "case.updated",
                ("case", Some(&case_id)),
                json!({ "changed": changed }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await;
    match saved {
        Ok(()) => Ok(to_case(&id, "case-description")),
        Err(WebError::Conflict(relais_domain::Conflict::StaleVersion)) => {
            let state = PageState { forms: None, errors, message: Some("case-error-stale") };
            render(&app, &visitor, &ctx, &id, state, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

/// Parses a status form's codes (unknown codes are reported on the fields).
pub(super) fn check_status(form: &CaseForms, errors: &mut FieldErrors) -> Option<(CaseStatus, Option<CloseReason>)> {
    let to = form.status.parse::<CaseStatus>().map_err(|_| errors.add("status", "error-choose")).ok();
    let reason = match form.closed_reason.trim() {
        "" => None,
        code => code.parse::<CloseReason>().map_err(|_| errors.add("closed_reason", "error-choose")).ok(),
    };
    if !errors.is_empty() {
        return None;
    }
    Some((to?, reason))
}
