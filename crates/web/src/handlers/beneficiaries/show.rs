//! GET /beneficiaries/{id} — the person's page. Each rendering is a view of
//! personal data and is audited (`beneficiary.viewed`, by the command
//! `view_person`), including a page shown again with a form's errors.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::people::{Partner, PersonView};
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType};
use relais_domain::{AuditAction, BeneficiaryId, ConsentId, DocumentId, Language, Permission, UserId};
use relais_persistence::models::beneficiaries::CaseSummary;
use serde::{Deserialize, Serialize};

use super::form::{ConsentForm, DocumentForm};
use super::{Choices, PersonCard, may, today};
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::forms::FieldErrors;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

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

/// An identity document as the page lists it.
#[derive(Debug, Serialize)]
struct DocumentRow {
    id: DocumentId,
    doc_type: DocumentType,
    number: String,
    issued_on: Option<String>,
    expires_on: Option<String>,
}

/// A consent as the page lists it.
#[derive(Debug, Serialize)]
struct ConsentRow {
    id: ConsentId,
    purpose: ConsentPurpose,
    channel: ConsentChannel,
    language: Language,
    /// The partner tenant's name (its id if it is gone).
    partner: Option<String>,
    service: Option<String>,
    witness: Option<String>,
    given_on: String,
    expires_on: Option<String>,
    withdrawn_on: Option<String>,
    /// Display names.
    recorded_by: Option<String>,
    withdrawn_by: Option<String>,
}

/// An audit event about the record.
#[derive(Debug, Serialize)]
struct EventRow {
    /// `YYYY-MM-DD HH:MM` (UTC).
    at: String,
    action: AuditAction,
    /// The actor's display name, or id.
    actor: Option<String>,
    /// The event's JSON details.
    details: String,
}

/// The person's page.
#[derive(Debug, Serialize)]
struct PersonPage {
    #[serde(flatten)]
    choices: Choices,
    person: PersonCard,
    full: bool,
    show_documents: bool,
    documents: Vec<DocumentRow>,
    consents: Vec<ConsentRow>,
    show_cases: bool,
    cases: Vec<CaseSummary>,
    show_audit: bool,
    events: Vec<EventRow>,
    partners: Vec<Partner>,
    can_update: bool,
    can_manage_documents: bool,
    can_manage_consents: bool,
    can_export: bool,
    can_erase: bool,
    /// The member may open a case for this person.
    can_open_case: bool,
    /// The add-document form.
    document: DocumentForm,
    /// The record-consent form.
    consent: ConsentForm,
    errors: FieldErrors,
    erase_error: Option<&'static str>,
    done: Option<&'static str>,
    /// The events the person attended (`event:read`).
    attended: Option<Vec<AttendedRow>>,
}

/// An event the person is recorded at.
#[derive(Debug, Serialize)]
struct AttendedRow {
    id: relais_domain::EventId,
    title: String,
    kind: relais_domain::outreach::EventKind,
    start_date: String,
    status: relais_domain::outreach::AttendanceStatus,
    interests: Vec<relais_domain::outreach::AttendeeInterest>,
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

impl PersonPage {
    fn new(view: PersonView, ctx: &TenantContext, forms: PageForms, today: chrono::NaiveDate, lang: Language) -> Self {
        let PersonView { person, full_profile, documents, consents, cases, events, user_names, mut partners } = view;
        let name_of = |id: Option<UserId>| id.and_then(|i| user_names.get(&i).cloned());
        let partner_name = |id: relais_domain::TenantId| {
            partners.iter().find(|p| p.id == id).map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        let consents = consents
            .into_iter()
            .map(|c| ConsentRow {
                id: c.id,
                purpose: c.purpose,
                channel: c.channel,
                language: c.language,
                partner: c.partner_tenant_id.map(partner_name),
                service: c.service_ref,
                witness: c.witness,
                given_on: c.given_on.to_string(),
                expires_on: date(c.expires_on),
                withdrawn_on: date(c.withdrawn_on),
                recorded_by: name_of(c.recorded_by),
                withdrawn_by: name_of(c.withdrawn_by),
            })
            .collect();
        let events = events
            .unwrap_or_default()
            .into_iter()
            .map(|e| EventRow {
                at: e.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                action: e.action,
                actor: name_of(e.actor_user_id).filter(|n| !n.is_empty()).or(e.actor_user_id.map(|u| u.to_string())),
                details: e.details,
            })
            .collect();
        // Listed in the order of their ids (the order they joined the network).
        partners.sort_by_key(|p| p.id);
        let erased = person.is_erased();
        Self {
            choices: Choices::all(),
            person: PersonCard::of(&person, full_profile),
            full: full_profile,
            show_documents: documents.is_some(),
            documents: documents
                .unwrap_or_default()
                .into_iter()
                .map(|d| DocumentRow {
                    id: d.id,
                    doc_type: d.doc_type,
                    number: d.number,
                    issued_on: date(d.issued_on),
                    expires_on: date(d.expires_on),
                })
                .collect(),
            consents,
            show_cases: cases.is_some(),
            cases: cases.unwrap_or_default(),
            show_audit: may(ctx, Permission::AuditRead),
            events,
            partners,
            can_update: full_profile && !erased,
            can_manage_documents: may(ctx, Permission::DocumentManage) && !erased,
            can_manage_consents: may(ctx, Permission::ConsentManage) && !erased,
            can_export: may(ctx, Permission::BeneficiaryExport),
            can_erase: may(ctx, Permission::BeneficiaryErase) && !erased,
            can_open_case: may(ctx, Permission::CaseCreate) && !erased,
            document: forms.document.unwrap_or_default(),
            consent: forms.consent.unwrap_or_else(|| ConsentForm::blank(today, lang)),
            errors: forms.errors,
            erase_error: forms.erase_error,
            done: forms.done,
            attended: None,
        }
    }
}

/// Renders the person's page (the view is audited by the command).
pub(super) async fn render_person(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: BeneficiaryId,
    forms: PageForms,
    status: StatusCode,
) -> WebResult<Response> {
    let view = relais_app::people::view_person(&app.core, &ctx.actor(visitor), id).await?;
    let mut page = PersonPage::new(view, ctx, forms, today(app), visitor.lang);
    if may(ctx, Permission::EventRead) {
        let attended = relais_app::outreach::events_of_person(&app.core, &ctx.actor(visitor), id).await?;
        page.attended = Some(
            attended
                .into_iter()
                .map(|e| AttendedRow {
                    id: e.event_id,
                    title: e.title,
                    kind: e.kind,
                    start_date: e.start_date.to_string(),
                    status: e.status,
                    interests: e.interests.0,
                })
                .collect(),
        );
    }
    Ok((status, render_page(app, visitor, "beneficiaries/show.html", &page)?).into_response())
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
    Id(id): Id<BeneficiaryId>,
    Query(params): Query<ShowParams>,
) -> WebResult<Response> {
    let done = DONE.iter().copied().find(|d| *d == params.done);
    render_person(&app, &visitor, &ctx, id, PageForms { done, ..PageForms::default() }, StatusCode::OK).await
}
