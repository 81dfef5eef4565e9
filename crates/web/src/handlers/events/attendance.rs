//! What the event page's recording forms send: a mark (present / absent,
//! interests) of a person of the tenant, its removal, a registration at
//! the door marked present in one step, and a tally sheet. After each, the
//! volunteer is back on the event page (30 people in a row).

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::outreach::{self, DoorOutcome, DoorRegistration, Mark, NewTally};
use relais_app::people::Registration;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, Sex};
use relais_domain::outreach::{AgeBand, AttendanceStatus, AttendeeInterest, TallyCell};
use relais_domain::{BeneficiaryId, EventId, Language};
use serde::{Deserialize, Serialize};

use super::show::{PageState, conflict_message, render};
use super::{INVALID, merge, ticked, to_event};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::beneficiaries::form::{ConsentForm, PersonForm};
use crate::paths::{Id, Ids};
use crate::state::AppState;
use crate::visitor::Visitor;

/// Renders the page again after a command refused the change: field
/// errors (422) next to the forms, or a conflict the page explains (409).
async fn refused(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: EventId,
    err: WebError,
    state: PageState,
) -> WebResult<Response> {
    match err {
        WebError::Invalid(errors) => render(app, visitor, ctx, id, PageState { errors, ..state }, INVALID).await,
        WebError::Conflict(conflict) => match conflict_message(&conflict) {
            Some(key) => render(app, visitor, ctx, id, PageState::message(key), StatusCode::CONFLICT).await,
            None => Err(WebError::Conflict(conflict)),
        },
        other => Err(other),
    }
}

/// A mark, as typed; interests are checkboxes `interest-<code>`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MarkForm {
    person: String,
    status: String,
    /// `attendance` when sent from the attendance list (else back to the door).
    from: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

/// POST /events/{id}/attendance — marks a person of the tenant (present
/// unless said otherwise); a second identical mark changes nothing.
pub(crate) async fn mark(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    FormData(form): FormData<MarkForm>,
) -> WebResult<Response> {
    let person: BeneficiaryId = form.person.trim().parse().map_err(|_| WebError::NotFound)?;
    let mut errors = FieldErrors::new();
    let status = match form.status.trim() {
        "" => Some(AttendanceStatus::Present),
        code => code.parse().map_err(|_| errors.add("status", "error-choose")).ok(),
    };
    let (interests, all_read) = ticked::<AttendeeInterest>(&form.rest, "interest-");
    if !all_read {
        errors.add("interests", "error-choose");
    }
    let Some(status) = status.filter(|_| errors.is_empty()) else {
        return render(&app, &visitor, &ctx, id, PageState { errors, ..PageState::default() }, INVALID).await;
    };
    let mark = Mark { event: id, person, status, interests };
    match outreach::record_attendance(&app.core, &ctx.actor(&visitor), mark).await.map_err(WebError::from) {
        Ok(_) => {
            let anchor = if form.from == "attendance" { "attendance" } else { "door" };
            Ok(to_event(&app, id, anchor, "event-flash-marked"))
        }
        Err(err) => refused(&app, &visitor, &ctx, id, err, PageState::default()).await,
    }
}

/// POST /events/{id}/attendance/{person_id}/remove — a mark made by mistake.
pub(crate) async fn remove(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(id, person): Ids<EventId, BeneficiaryId>,
) -> WebResult<Response> {
    outreach::remove_attendance(&app.core, &ctx.actor(&visitor), id, person).await?;
    Ok(to_event(&app, id, "attendance", "event-flash-removed"))
}

/// The follow-up form of an attendee, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FollowUpForm {
    interest: String,
}

/// POST /events/{id}/attendance/{person_id}/follow-up — opens a case on the
/// pathway matching an interest the person ticked, and shows it.
pub(crate) async fn follow_up(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(id, person): Ids<EventId, BeneficiaryId>,
    FormData(form): FormData<FollowUpForm>,
) -> WebResult<Response> {
    let interest: AttendeeInterest = form.interest.trim().parse().map_err(|_| WebError::NotFound)?;
    let actor = ctx.actor(&visitor);
    match outreach::open_follow_up_case(&app.core, &actor, id, person, interest).await.map_err(WebError::from) {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{case}#main")).into_response()),
        Err(err) => refused(&app, &visitor, &ctx, id, err, PageState::default()).await,
    }
}

/// The registration at the door, as typed: the person's minimum fields,
/// the consent tick (case management, given today, in the page's
/// language), interests (`interest-<code>`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct DoorForm {
    #[serde(flatten)]
    person: PersonForm,
    /// `1` when the person consents.
    consent: String,
    consent_channel: String,
    consent_witness: String,
    /// `1` once the volunteer has seen the candidates and registers anyway.
    confirm_duplicate: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl DoorForm {
    /// An empty form (consent given in writing, on the sign-in sheet).
    pub(super) fn blank(_lang: Language) -> Self {
        Self { consent_channel: ConsentChannel::Written.as_str().to_owned(), ..Self::default() }
    }
}

/// GET /events/{id}/door — the capture at the door is a section of the
/// event page (a reload after a refused registration lands there).
pub(crate) async fn door_page(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
) -> WebResult<Response> {
    outreach::event_page(&app.core, &ctx.actor(&visitor), id).await?;
    Ok(Redirect::to(&format!("/events/{id}#door")).into_response())
}

/// POST /events/{id}/door — registers a new person of the tenant with
/// their consent and marks them present, in one step. Possible duplicates
/// are shown (409) with "this is the person" and "register anyway".
pub(crate) async fn door(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    FormData(mut form): FormData<DoorForm>,
) -> WebResult<Response> {
    let today = app.now().date();
    let mut errors = FieldErrors::new();
    let fields = form.person.check(&mut errors, today);
    if form.consent != "1" {
        errors.add("consent", "event-error-consent");
    }
    let consent = ConsentForm {
        consent_purpose: ConsentPurpose::CaseManagement.as_str().to_owned(),
        consent_channel: form.consent_channel.clone(),
        consent_language: visitor.lang.as_str().to_owned(),
        consent_given_on: today.format("%Y-%m-%d").to_string(),
        consent_witness: form.consent_witness.clone(),
        ..ConsentForm::default()
    }
    .check(&mut errors, today, &[]);
    let (interests, all_read) = ticked::<AttendeeInterest>(&form.rest, "interest-");
    if !all_read {
        errors.add("interests", "error-choose");
    }
    let create_anyway = form.confirm_duplicate == "1";
    form.confirm_duplicate.clear();
    let (Some(person), Some(consent), true) = (fields, consent, errors.is_empty()) else {
        let state = PageState { errors, door: Some(form), ..PageState::default() };
        return render(&app, &visitor, &ctx, id, state, INVALID).await;
    };
    let registration = Registration { person, document: None, consent: Some(consent), create_anyway };
    let door = DoorRegistration { event: id, registration, interests };
    match outreach::register_and_mark_present(&app.core, &ctx.actor(&visitor), door).await.map_err(WebError::from) {
        Ok(DoorOutcome::Marked { .. }) => Ok(to_event(&app, id, "door", "event-flash-registered")),
        Ok(DoorOutcome::PossibleDuplicates(candidates)) => {
            let state = PageState { door: Some(form), candidates, ..PageState::default() };
            render(&app, &visitor, &ctx, id, state, StatusCode::CONFLICT).await
        }
        Err(err) => {
            refused(&app, &visitor, &ctx, id, err, PageState { door: Some(form), ..PageState::default() }).await
        }
    }
}

/// A tally sheet, as typed: a label, an optional nationality for the whole
/// sheet, and one number field per sex × age band (`cell-<sex>-<band>`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct TallyForm {
    label: String,
    nationality: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl TallyForm {
    /// A grid field as typed.
    pub(super) fn value(&self, name: &str) -> String {
        self.rest.get(name).cloned().unwrap_or_default()
    }

    /// The cells typed (empty fields left out).
    fn cells(&self, errors: &mut FieldErrors) -> Vec<TallyCell> {
        let mut cells = Vec::new();
        for sex in Sex::ALL {
            for age_band in AgeBand::ALL {
                let text = self.rest.get(&format!("cell-{sex}-{age_band}")).map_or("", |v| v.trim());
                if text.is_empty() {
                    continue;
                }
                match text.parse::<i64>() {
                    Ok(count) => cells.push(TallyCell {
                        sex: *sex,
                        age_band: *age_band,
                        nationality: Some(self.nationality.trim().to_owned()).filter(|n| !n.is_empty()),
                        count,
                    }),
                    Err(_) => errors.add("cells", "event-error-tally-count"),
                }
            }
        }
        cells
    }
}

/// POST /events/{id}/tallies
pub(crate) async fn tally(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    FormData(form): FormData<TallyForm>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let cells = form.cells(&mut errors);
    let new = NewTally { event: id, label: form.label.clone(), cells };
    merge(&mut errors, new.check());
    if !errors.is_empty() {
        let state = PageState { errors, tally: Some(form), ..PageState::default() };
        return render(&app, &visitor, &ctx, id, state, INVALID).await;
    }
    match outreach::record_tally(&app.core, &ctx.actor(&visitor), new).await.map_err(WebError::from) {
        Ok(_) => Ok(to_event(&app, id, "tallies", "event-flash-tally")),
        Err(err) => {
            refused(&app, &visitor, &ctx, id, err, PageState { tally: Some(form), ..PageState::default() }).await
        }
    }
}
