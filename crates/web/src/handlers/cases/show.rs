//! The case page (every view is audited by the `view_case` command), and
//! what its forms send.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use relais_app::cases::{CaseView, view_case};
use relais_domain::case_file::{self, CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_domain::{AuditAction, BeneficiaryId, CaseId, Permission, TaskId, UserId};
use relais_persistence::models::case_events::CaseEvent;
use serde::{Deserialize, Serialize};

use super::{date_text, time_text};
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::forms::FieldErrors;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

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

impl PageState {
    /// The forms as typed, with the problems found in them.
    pub(super) fn refill(forms: CaseForms, errors: FieldErrors) -> Self {
        Self { forms: Some(forms), errors, message: None }
    }

    /// The case as it is now, with a message about the whole page.
    pub(super) fn message(key: &'static str) -> Self {
        Self { forms: None, errors: FieldErrors::new(), message: Some(key) }
    }
}

/// `case` of the page.
#[derive(Debug, Serialize)]
struct CaseFacts {
    id: CaseId,
    reference: String,
    pathway: Pathway,
    status: CaseStatus,
    closed_reason: Option<CloseReason>,
    intake_date: String,
    referral_source: Option<String>,
    goals: Option<String>,
    version: i32,
    updated_at: String,
}

/// `person` of the page.
#[derive(Debug, Serialize)]
struct Person {
    id: BeneficiaryId,
    given_names: String,
    family_names: String,
}

/// A caseworker, in the assignment lists and menus.
#[derive(Debug, Serialize)]
struct WorkerRow {
    user_id: UserId,
    name: String,
}

/// A note the reader may read.
#[derive(Debug, Serialize)]
struct NoteRow {
    author_name: Option<String>,
    visibility: NoteVisibility,
    body: String,
    at: String,
}

/// A task of the case.
#[derive(Debug, Serialize)]
struct TaskRow {
    id: TaskId,
    title: String,
    due_on: Option<String>,
    assignee_name: Option<String>,
    done: bool,
    overdue: bool,
}

/// An event of the timeline (`kind` as in its translation key, `case-event-<kind>`).
#[derive(Debug, Serialize)]
struct EventRow {
    kind: String,
    at: String,
    actor_name: Option<String>,
    from: Option<CaseStatus>,
    to: Option<CaseStatus>,
    reason: Option<CloseReason>,
    visibility: Option<NoteVisibility>,
    user_name: Option<String>,
    /// Translation keys of the changed fields (`case-field-goals` …).
    changed: Vec<String>,
}

impl EventRow {
    fn new(e: &CaseEvent, names: &HashMap<UserId, String>) -> Self {
        let d = &e.details;
        Self {
            kind: kind_key(e.kind),
            at: time_text(e.occurred_at),
            actor_name: e.actor_name.clone(),
            from: d.from,
            to: d.to,
            reason: d.reason,
            visibility: d.visibility,
            user_name: d.user_id.map(|id| names.get(&id).cloned().unwrap_or_else(|| "—".to_owned())),
            changed: d.changed.iter().map(|f| format!("case-field-{}", f.replace('_', "-"))).collect(),
        }
    }
}

fn kind_key(kind: CaseEventKind) -> String {
    kind.as_str().replace('_', "-")
}

/// An event of the case's audit trail (administrators).
#[derive(Debug, Serialize)]
struct TrailRow {
    at: String,
    action: AuditAction,
    /// The actor's name, or their id when they are no member of the tenant.
    actor: Option<String>,
}

/// The case page (`cases/show.html`).
#[derive(Debug, Serialize)]
struct CasePage {
    case: CaseFacts,
    person: Person,
    can_update: bool,
    next_statuses: Vec<CaseStatus>,
    close_reasons: &'static [CloseReason],
    pathways: &'static [Pathway],
    visibilities: &'static [NoteVisibility],
    assignees: Vec<WorkerRow>,
    /// Caseworkers who may be assigned and are not yet.
    assignable: Vec<WorkerRow>,
    workers: Vec<WorkerRow>,
    notes: Vec<NoteRow>,
    tasks: Vec<TaskRow>,
    events: Vec<EventRow>,
    trail: Vec<TrailRow>,
    can_audit: bool,
    /// The referrals sent from the case (the referral area's section).
    referrals: Vec<crate::views::CaseReferralRow>,
    can_refer: bool,
    form: CaseForms,
    errors: FieldErrors,
    message: Option<&'static str>,
}

impl CasePage {
    fn new(view: CaseView, ctx: &TenantContext, state: PageState, today: NaiveDate) -> Self {
        let CaseView { case, person, assignees, workers, notes, tasks, events, trail, names } = view;
        let form = state.forms.unwrap_or_else(|| CaseForms {
            pathway: case.pathway.as_str().to_owned(),
            referral_source: case.referral_source.clone().unwrap_or_default(),
            goals: case.goals.clone().unwrap_or_default(),
            version: case.version.to_string(),
            visibility: NoteVisibility::Normal.as_str().into(),
            assignee_id: ctx.member.user_id.to_string(),
            ..CaseForms::default()
        });
        let worker = |user_id: UserId, name: &str| WorkerRow { user_id, name: name.to_owned() };
        Self {
            can_update: ctx.member.may(Permission::CaseUpdate),
            can_audit: trail.is_some(),
            can_refer: ctx.member.may(Permission::ReferralDraft),
            next_statuses: case_file::next_statuses(case.status),
            close_reasons: CloseReason::ALL,
            pathways: Pathway::ALL,
            visibilities: NoteVisibility::ALL,
            assignable: workers
                .iter()
                .filter(|w| !assignees.iter().any(|a| a.user_id == w.user_id))
                .map(|w| worker(w.user_id, &w.display_name))
                .collect(),
            workers: workers.iter().map(|w| worker(w.user_id, &w.display_name)).collect(),
            assignees: assignees.iter().map(|a| worker(a.user_id, &a.display_name)).collect(),
            notes: notes
                .into_iter()
                .map(|n| NoteRow {
                    author_name: n.author_name,
                    visibility: n.visibility,
                    body: n.body,
                    at: time_text(n.created_at),
                })
                .collect(),
            tasks: tasks
                .into_iter()
                .map(|t| TaskRow {
                    id: t.id,
                    overdue: t.done_at.is_none() && t.due_on.is_some_and(|d| d < today),
                    done: t.done_at.is_some(),
                    due_on: t.due_on.map(date_text),
                    title: t.title,
                    assignee_name: t.assignee_name,
                })
                .collect(),
            events: events.iter().map(|e| EventRow::new(e, &names)).collect(),
            trail: trail
                .into_iter()
                .flatten()
                .map(|e| TrailRow {
                    at: time_text(e.occurred_at),
                    action: e.action,
                    actor: e.actor_user_id.map(|id| names.get(&id).cloned().unwrap_or_else(|| id.to_string())),
                })
                .collect(),
            person: Person {
                id: case.beneficiary_id,
                given_names: person.given_names,
                family_names: person.family_names,
            },
            case: CaseFacts {
                id: case.id,
                reference: case.reference,
                pathway: case.pathway,
                status: case.status,
                closed_reason: case.closed_reason,
                intake_date: date_text(case.intake_date),
                referral_source: case.referral_source,
                goals: case.goals,
                version: case.version,
                updated_at: time_text(case.updated_at),
            },
            referrals: Vec::new(),
            form,
            errors: state.errors,
            message: state.message,
        }
    }
}

/// Reads the case for this reader (the view is audited), and renders the
/// page with `state`'s forms and messages.
pub(super) async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    case_id: CaseId,
    state: PageState,
    status: StatusCode,
) -> WebResult<Response> {
    let view = view_case(&app.core, &ctx.actor(visitor), case_id).await?;
    let mut page = CasePage::new(view, ctx, state, app.now().date());
    let referrals = relais_app::referrals::for_case(&app.core, &ctx.actor(visitor), case_id).await?;
    page.referrals = referrals.iter().map(|l| crate::views::CaseReferralRow::new(l, visitor.lang)).collect();
    Ok((status, render_page(app, visitor, "cases/show.html", &page)?).into_response())
}

/// GET /cases/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<CaseId>,
) -> WebResult<Response> {
    render(&app, &visitor, &ctx, id, PageState::default(), StatusCode::OK).await
}
