//! Planning an event (or typing in one that took place, with its past
//! dates) and editing it: the form, read as text, turned into the
//! command's typed input.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::outreach::{self, EventEdit, EventInput, NewEvent};
use relais_domain::outreach::{EventKind, EventTopic, TrainingAudience};
use relais_domain::{Conflict, EventId, MembershipStatus, OrganisationId, Region, TenantId, UserId};
use relais_persistence::models::{directory, memberships, tenants};
use serde::{Deserialize, Serialize};

use super::{INVALID, date_text, merge, parse_date, ticked, to_event};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The event form, as typed. Topics, facilitators and co-organisers are
/// checkboxes named `topic-<code>`, `facilitator-<user id>`,
/// `co_tenant-<tenant id>` and `organisation-<organisation id>`.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct EventForm {
    title: String,
    kind: String,
    audience: String,
    start_date: String,
    end_date: String,
    city: String,
    region: String,
    /// Comma-separated.
    languages: String,
    notes: String,
    /// `planned` or `held` (new events only).
    status: String,
    /// The version the form was read at (edit only).
    version: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl EventForm {
    /// The command's input, and the problems found reading the form.
    fn read(&self) -> (EventInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let start_date = parse_date(&mut errors, "start_date", &self.start_date);
        let end_date = parse_date(&mut errors, "end_date", &self.end_date);
        let (topics, topics_read) = ticked::<EventTopic>(&self.rest, "topic-");
        let (facilitators, facilitators_read) = ticked::<UserId>(&self.rest, "facilitator-");
        let (co_tenants, co_tenants_read) = ticked::<TenantId>(&self.rest, "co_tenant-");
        let (organisations, organisations_read) = ticked::<OrganisationId>(&self.rest, "organisation-");
        for (read, field) in [
            (topics_read, "topics"),
            (facilitators_read, "facilitators"),
            (co_tenants_read, "co_tenants"),
            (organisations_read, "organisations"),
        ] {
            if !read {
                errors.add(field, "error-choose");
            }
        }
        let input = EventInput {
            title: self.title.clone(),
            kind: self.kind.parse().ok(),
            topics,
            audience: self.audience.parse().ok(),
            start_date,
            end_date,
            city: self.city.clone(),
            region: self.region.parse().ok(),
            languages: self.languages.split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            notes: self.notes.clone(),
            co_tenants,
            organisations,
            facilitators,
        };
        merge(&mut errors, input.check());
        (input, errors)
    }

    /// The form filled from a stored event.
    fn of(view: &outreach::EventView) -> Self {
        let e = &view.event;
        let mut rest = BTreeMap::new();
        for topic in &e.topics.0 {
            rest.insert(format!("topic-{topic}"), "on".to_owned());
        }
        for id in &view.links.facilitators {
            rest.insert(format!("facilitator-{id}"), "on".to_owned());
        }
        for id in &view.links.co_tenants {
            rest.insert(format!("co_tenant-{id}"), "on".to_owned());
        }
        for id in &view.links.organisations {
            rest.insert(format!("organisation-{id}"), "on".to_owned());
        }
        Self {
            title: e.title.clone(),
            kind: e.kind.as_str().to_owned(),
            audience: e.audience.map(|a| a.as_str().to_owned()).unwrap_or_default(),
            start_date: date_text(e.start_date),
            end_date: e.end_date.map(date_text).unwrap_or_default(),
            city: e.city.clone().unwrap_or_default(),
            region: e.region.as_str().to_owned(),
            languages: e.languages.split(',').map(str::trim).collect::<Vec<_>>().join(", "),
            notes: e.notes.clone().unwrap_or_default(),
            status: e.status.as_str().to_owned(),
            version: e.version.to_string(),
            rest,
        }
    }
}

/// One checkbox of a list of names (`facilitator-<id>` …).
#[derive(Debug, Serialize)]
struct Choice {
    id: String,
    name: String,
    checked: bool,
}

/// The event form page (`events/form.html`).
#[derive(Debug, Serialize)]
struct FormPage<'a> {
    /// The event being edited (`None` for a new one).
    editing: Option<EventId>,
    kinds: &'static [EventKind],
    topics: Vec<Choice>,
    audiences: &'static [TrainingAudience],
    regions: &'static [Region],
    facilitators: Vec<Choice>,
    co_tenants: Vec<Choice>,
    organisations: Vec<Choice>,
    form: &'a EventForm,
    errors: &'a FieldErrors,
}

/// Who may be chosen: the tenant's active members, the other active
/// tenants and the active organisations of the directory (a plain read).
async fn choices(app: &AppState, ctx: &TenantContext) -> WebResult<[Vec<(String, String)>; 3]> {
    let scope = ctx.scope;
    let found = app
        .core
        .read(move |conn| {
            let members: Vec<(String, String)> = memberships::list_members(conn, &scope)?
                .into_iter()
                .filter(|m| m.status == MembershipStatus::Active.as_str())
                .map(|m| (m.user_id, m.display_name))
                .collect();
            let own = scope.tenant_id().to_string();
            let others: Vec<(String, String)> =
                tenants::list(conn)?.into_iter().filter(|t| t.active && t.id != own).map(|t| (t.id, t.name)).collect();
            let organisations: Vec<(String, String)> = directory::list_organisations(conn)?
                .into_iter()
                .filter(|o| o.active)
                .map(|o| (o.id.to_string(), o.name))
                .collect();
            Ok([members, others, organisations])
        })
        .await?;
    Ok(found)
}

async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    editing: Option<EventId>,
    form: &EventForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let [members, others, organisations] = choices(app, ctx).await?;
    let boxes = |list: Vec<(String, String)>, prefix: &str| -> Vec<Choice> {
        list.into_iter()
            .map(|(id, name)| Choice { checked: form.rest.contains_key(&format!("{prefix}{id}")), id, name })
            .collect()
    };
    let page = FormPage {
        editing,
        kinds: EventKind::ALL,
        topics: boxes(EventTopic::ALL.iter().map(|t| (t.as_str().to_owned(), String::new())).collect(), "topic-"),
        audiences: TrainingAudience::ALL,
        regions: Region::ALL,
        facilitators: boxes(members, "facilitator-"),
        co_tenants: boxes(others, "co_tenant-"),
        organisations: boxes(organisations, "organisation-"),
        form,
        errors,
    };
    Ok((status, render_page(app, visitor, "events/form.html", &page)?).into_response())
}

/// GET /events/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let mut form =
        EventForm { start_date: date_text(app.now().date()), status: "planned".to_owned(), ..EventForm::default() };
    form.rest.insert(format!("facilitator-{}", ctx.member.user_id), "on".to_owned());
    render(&app, &visitor, &ctx, None, &form, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /events
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<EventForm>,
) -> WebResult<Response> {
    let (input, mut errors) = form.read();
    let held = match form.status.as_str() {
        "held" => true,
        "planned" => false,
        _ => {
            errors.add("status", "error-choose");
            false
        }
    };
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, None, &form, &errors, INVALID).await;
    }
    match outreach::plan_event(&app.core, &ctx.actor(&visitor), NewEvent { input, held }).await.map_err(WebError::from)
    {
        Ok(id) => Ok(to_event(&app, id, "main", "event-flash-saved")),
        Err(WebError::Invalid(found)) => render(&app, &visitor, &ctx, None, &form, &found, INVALID).await,
        Err(other) => Err(other),
    }
}

/// GET /events/{id}/edit (the tenant's own events only).
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
) -> WebResult<Response> {
    let view = outreach::event_page(&app.core, &ctx.actor(&visitor), id).await?;
    if !view.own {
        return Err(WebError::NotFound);
    }
    let form = EventForm::of(&view);
    render(&app, &visitor, &ctx, Some(id), &form, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /events/{id}/edit — a form based on an older version is refused
/// (409) and nothing is overwritten.
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    FormData(form): FormData<EventForm>,
) -> WebResult<Response> {
    // An event that is not the tenant's own is not found, whatever the form holds.
    if !outreach::event_page(&app.core, &ctx.actor(&visitor), id).await?.own {
        return Err(WebError::NotFound);
    }
    let (input, errors) = form.read();
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, Some(id), &form, &errors, INVALID).await;
    }
    let Ok(version) = form.version.trim().parse::<i32>() else {
        return Err(WebError::BadRequest("missing version".into()));
    };
    let edit = EventEdit { event: id, version, input };
    match outreach::edit_event(&app.core, &ctx.actor(&visitor), edit).await.map_err(WebError::from) {
        Ok(_) => Ok(to_event(&app, id, "main", "event-flash-saved")),
        Err(WebError::Invalid(found)) => render(&app, &visitor, &ctx, Some(id), &form, &found, INVALID).await,
        Err(WebError::Conflict(Conflict::StaleVersion)) => {
            let mut stale = FieldErrors::new();
            stale.add("version", "event-error-stale");
            render(&app, &visitor, &ctx, Some(id), &form, &stale, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
