//! The tenant's participants who are not beneficiaries (officials of
//! public institutions and associations …): list and search, a
//! participant's page with their events, the add and edit forms, and their
//! attendance at trainings and network meetings.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::outreach::{self, InstitutionInput, ParticipantEdit, ParticipantInput, ParticipantMarkInput};
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{AttendanceStatus, EventKind, EventStatus};
use relais_domain::{Conflict, EventId, ParticipantId, Permission};
use relais_persistence::models::participants::{Institution, Participant};
use relais_persistence::models::{directory, tenants};
use serde::{Deserialize, Serialize};

use super::show::{PageState, render as render_event};
use super::{INVALID, date_text, to_event};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::redirect_with_flash;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The participant form, as typed: an institution of the network
/// (`institution_tenant`), of the directory (`institution_organisation`)
/// or by name (`institution_name`).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct ParticipantForm {
    full_name: String,
    institution_tenant: String,
    institution_organisation: String,
    institution_name: String,
    job_title: String,
    sex: String,
    email: String,
    phone: String,
    version: String,
}

impl ParticipantForm {
    fn read(&self) -> (ParticipantInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let tenant = id(&mut errors, &self.institution_tenant);
        let organisation = id(&mut errors, &self.institution_organisation);
        let input = ParticipantInput {
            full_name: self.full_name.clone(),
            institution: InstitutionInput { tenant, organisation, name: self.institution_name.clone() },
            job_title: self.job_title.clone(),
            sex: self.sex.parse().ok(),
            email: self.email.clone(),
            phone: self.phone.clone(),
        };
        super::merge(&mut errors, input.check());
        (input, errors)
    }

    fn of(p: &Participant) -> Self {
        let (mut tenant, mut organisation, mut name) = (String::new(), String::new(), String::new());
        match &p.institution {
            Institution::None => {}
            Institution::Tenant(t) => tenant = t.to_string(),
            Institution::Organisation(o) => organisation = o.to_string(),
            Institution::Named(n) => name = n.clone(),
        }
        Self {
            full_name: p.full_name.clone(),
            institution_tenant: tenant,
            institution_organisation: organisation,
            institution_name: name,
            job_title: p.job_title.clone().unwrap_or_default(),
            sex: p.sex.as_str().to_owned(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            version: p.version.to_string(),
        }
    }
}

/// An optional id chosen in a menu (one that does not read is reported).
fn id<T: std::str::FromStr>(errors: &mut FieldErrors, text: &str) -> Option<T> {
    match text.trim() {
        "" => None,
        given => given.parse().map_err(|_| errors.add("institution", "error-choose")).ok(),
    }
}

/// A tenant or an organisation offered as an institution.
#[derive(Debug, Serialize)]
struct Named {
    id: String,
    name: String,
}

/// The active tenants and organisations of the directory (a plain read).
async fn institutions(app: &AppState) -> WebResult<(Vec<Named>, Vec<Named>)> {
    Ok(app
        .core
        .read(|conn| {
            let tenants =
                tenants::list(conn)?.into_iter().filter(|t| t.active).map(|t| Named { id: t.id, name: t.name });
            let organisations = directory::list_organisations(conn)?
                .into_iter()
                .filter(|o| o.active)
                .map(|o| Named { id: o.id.to_string(), name: o.name });
            Ok((tenants.collect(), organisations.collect()))
        })
        .await?)
}

/// A participant as listed.
#[derive(Debug, Serialize)]
struct ParticipantRow {
    id: ParticipantId,
    full_name: String,
    job_title: Option<String>,
    /// The institution's name (a tenant's, an organisation's or as typed).
    institution: Option<String>,
    sex: Sex,
}

fn institution_name(p: &Participant, tenants: &[Named], organisations: &[Named]) -> Option<String> {
    let find = |list: &[Named], id: String| list.iter().find(|n| n.id == id).map(|n| n.name.clone());
    match &p.institution {
        Institution::None => None,
        Institution::Tenant(t) => find(tenants, t.to_string()),
        Institution::Organisation(o) => find(organisations, o.to_string()),
        Institution::Named(n) => Some(n.clone()),
    }
}

/// The participants page (`events/participants.html`) and a participant's
/// page (`events/participant.html`).
#[derive(Debug, Serialize)]
struct ParticipantsPage<'a> {
    participants: Vec<ParticipantRow>,
    participant: Option<ParticipantRow>,
    events: Vec<EventRow>,
    q: String,
    can_record: bool,
    tenants: Vec<Named>,
    organisations: Vec<Named>,
    sexes: &'static [Sex],
    form: &'a ParticipantForm,
    errors: &'a FieldErrors,
    message: Option<&'static str>,
}

/// An event a participant was marked at.
#[derive(Debug, Serialize)]
struct EventRow {
    id: EventId,
    title: String,
    kind: EventKind,
    start_date: String,
    event_status: EventStatus,
    status: AttendanceStatus,
}

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: String,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    one: Option<ParticipantId>,
    q: String,
    form: &ParticipantForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let actor = ctx.actor(visitor);
    let (tenants, organisations) = institutions(app).await?;
    let row = |p: &Participant| ParticipantRow {
        id: p.id,
        full_name: p.full_name.clone(),
        job_title: p.job_title.clone(),
        institution: institution_name(p, &tenants, &organisations),
        sex: p.sex,
    };
    let (participants, participant, events, template) = match one {
        None => {
            let search = Some(q.trim().to_owned()).filter(|s| !s.is_empty());
            let listed = outreach::list_participants(&app.core, &actor, search, 200).await?;
            (listed.iter().map(row).collect(), None, Vec::new(), "events/participants.html")
        }
        Some(id) => {
            let (found, events) = outreach::participant_events(&app.core, &actor, id).await?;
            let events = events
                .into_iter()
                .map(|e| EventRow {
                    id: e.event_id,
                    title: e.title,
                    kind: e.kind,
                    start_date: date_text(e.start_date),
                    event_status: e.event_status,
                    status: e.status,
                })
                .collect();
            (Vec::new(), Some(row(&found)), events, "events/participant.html")
        }
    };
    let page = ParticipantsPage {
        participants,
        participant,
        events,
        q,
        can_record: ctx.member.may(Permission::EventRecord),
        tenants,
        organisations,
        sexes: Sex::ALL,
        form,
        errors,
        message: errors.get("version"),
    };
    Ok((status, render_page(app, visitor, template, &page)?).into_response())
}

/// GET /participants
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let form = ParticipantForm::default();
    render(&app, &visitor, &ctx, None, query.q, &form, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /participants
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<ParticipantForm>,
) -> WebResult<Response> {
    let (input, errors) = form.read();
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, None, String::new(), &form, &errors, INVALID).await;
    }
    match outreach::create_participant(&app.core, &ctx.actor(&visitor), input).await.map_err(WebError::from) {
        Ok(id) => Ok(redirect_with_flash(&app, &format!("/participants/{id}"), "event-flash-participant-saved")),
        Err(WebError::Invalid(found)) => {
            render(&app, &visitor, &ctx, None, String::new(), &form, &found, INVALID).await
        }
        Err(other) => Err(other),
    }
}

/// GET /participants/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ParticipantId>,
) -> WebResult<Response> {
    let (found, _) = outreach::participant_events(&app.core, &ctx.actor(&visitor), id).await?;
    let form = ParticipantForm::of(&found);
    render(&app, &visitor, &ctx, Some(id), String::new(), &form, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /participants/{id} — a form based on an older version is refused (409).
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ParticipantId>,
    FormData(form): FormData<ParticipantForm>,
) -> WebResult<Response> {
    let (input, errors) = form.read();
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, Some(id), String::new(), &form, &errors, INVALID).await;
    }
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return Err(WebError::BadRequest("missing version".into()));
    };
    let edit = ParticipantEdit { participant: id, version, input };
    match outreach::update_participant(&app.core, &ctx.actor(&visitor), edit).await.map_err(WebError::from) {
        Ok(_) => Ok(redirect_with_flash(&app, &format!("/participants/{id}"), "event-flash-participant-saved")),
        Err(WebError::Invalid(found)) => {
            render(&app, &visitor, &ctx, Some(id), String::new(), &form, &found, INVALID).await
        }
        Err(WebError::Conflict(Conflict::StaleVersion)) => {
            let mut stale = FieldErrors::new();
            stale.add("version", "event-error-stale");
            render(&app, &visitor, &ctx, Some(id), String::new(), &form, &stale, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

/// The participant mark of the event page, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MarkForm {
    participant: String,
    status: String,
}

/// POST /events/{id}/participants — marks a participant of the tenant.
pub(crate) async fn mark(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    FormData(form): FormData<MarkForm>,
) -> WebResult<Response> {
    let participant = form.participant.trim().parse::<ParticipantId>().ok();
    let status = match form.status.trim() {
        "" => Some(AttendanceStatus::Present),
        code => code.parse().ok(),
    };
    let (Some(participant), Some(status)) = (participant, status) else {
        let mut errors = FieldErrors::new();
        errors.add("participant", "error-choose");
        return render_event(&app, &visitor, &ctx, id, PageState { errors, ..PageState::default() }, INVALID).await;
    };
    let mark = ParticipantMarkInput { event: id, participant, status };
    match outreach::record_participant_attendance(&app.core, &ctx.actor(&visitor), mark).await.map_err(WebError::from) {
        Ok(_) => Ok(to_event(&app, id, "participants", "event-flash-participant-marked")),
        Err(WebError::Conflict(conflict)) => match super::show::conflict_message(&conflict) {
            Some(key) => render_event(&app, &visitor, &ctx, id, PageState::message(key), StatusCode::CONFLICT).await,
            None => Err(WebError::Conflict(conflict)),
        },
        Err(other) => Err(other),
    }
}
