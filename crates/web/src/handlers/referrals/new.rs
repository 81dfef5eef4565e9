//! Sending a referral from a case: choose a service, see the consent gate's
//! answer (which consent covers it, or why it is blocked), choose the packet
//! and write a message; save a draft (volunteers) or send at once
//! (`referral:send`). An override of the gate needs
//! `referral:override_consent` and a justification, and is audited.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::referrals::{self, DraftForm, NewDraft};
use relais_domain::{CaseId, Conflict, Permission, ServiceId};
use relais_persistence::models::beneficiaries::Beneficiary;
use relais_persistence::models::referrals::{ConsentGate, MINIMAL_PACKET, PacketField, build_packet};
use serde::Serialize;
use serde_json::Value;

use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::redirect_with_flash;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::views::key;
use crate::visitor::Visitor;

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The form as typed.
#[derive(Debug, Default, Clone, Serialize)]
struct NewForm {
    service: String,
    fields: Vec<String>,
    message: String,
    override_reason: String,
}

impl NewForm {
    fn read(raw: &HashMap<String, String>) -> Self {
        let get = |k: &str| raw.get(k).cloned().unwrap_or_default();
        let fields = PacketField::ALL
            .iter()
            .filter(|f| raw.contains_key(&format!("field-{}", f.as_str())))
            .map(|f| f.as_str().to_owned())
            .collect();
        Self { service: get("service"), fields, message: get("message"), override_reason: get("override_reason") }
    }
}

#[derive(Debug, Serialize)]
struct CaseRef {
    id: String,
    reference: String,
}

#[derive(Debug, Serialize)]
struct PersonRef {
    id: String,
    given_names: String,
    family_names: String,
}

#[derive(Debug, Serialize)]
struct ServiceChoice {
    id: String,
    name: String,
    owner: String,
    intake_open: bool,
}

#[derive(Debug, Serialize)]
struct Gate {
    covered: bool,
    intake_open: bool,
    given_on: Option<String>,
    expires_on: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct FieldChoice {
    code: &'static str,
    key: String,
    value: Option<String>,
    checked: bool,
}

/// `referrals/new.html`.
#[derive(Debug, Serialize)]
struct NewPage<'a> {
    case: CaseRef,
    person: PersonRef,
    services: Vec<ServiceChoice>,
    gate: Option<Gate>,
    fields: Vec<FieldChoice>,
    can_send: bool,
    can_override: bool,
    form: NewForm,
    errors: &'a FieldErrors,
    message: Option<&'static str>,
}

fn field_value(person: &Beneficiary, field: PacketField) -> Option<String> {
    build_packet(person, &[field]).get(field.as_str()).and_then(Value::as_str).map(str::to_owned)
}

async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    case_id: CaseId,
    form: NewForm,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let service = form.service.trim().parse::<ServiceId>().ok();
    let DraftForm { case, person, services, gate } =
        referrals::draft_form(&app.core, &ctx.actor(visitor), case_id, service).await?;
    let chosen: Vec<String> = if form.fields.is_empty() && errors.is_empty() {
        MINIMAL_PACKET.iter().map(|f| f.as_str().to_owned()).collect()
    } else {
        form.fields.clone()
    };
    let gate = gate.map(|g| match g.gate {
        ConsentGate::Covered(c) => Gate {
            covered: true,
            intake_open: g.service.intake_open,
            given_on: Some(c.given_on.to_string()),
            expires_on: c.expires_on.map(|d| d.to_string()),
            reason: None,
        },
        ConsentGate::Blocked(reason) => Gate {
            covered: false,
            intake_open: g.service.intake_open,
            given_on: None,
            expires_on: None,
            reason: Some(key(reason.as_str())),
        },
    });
    let page = NewPage {
        case: CaseRef { id: case.0.to_string(), reference: case.1 },
        services: services
            .iter()
            .map(|e| ServiceChoice {
                id: e.service.id.to_string(),
                name: e.service.name(visitor.lang).to_owned(),
                owner: e.owner_name.clone(),
                intake_open: e.service.intake_open,
            })
            .collect(),
        gate,
        fields: PacketField::ALL
            .iter()
            .map(|f| FieldChoice {
                code: f.as_str(),
                key: key(f.as_str()),
                value: field_value(&person, *f),
                checked: chosen.iter().any(|c| c == f.as_str()),
            })
            .collect(),
        person: PersonRef {
            id: person.id.to_string(),
            given_names: person.given_names.clone(),
            family_names: person.family_names.clone(),
        },
        can_send: ctx.member.may(Permission::ReferralSend),
        can_override: ctx.member.may(Permission::ReferralOverrideConsent),
        form,
        errors: &errors,
        message: None,
    };
    Ok((status, render_page(app, visitor, "referrals/new.html", &page)?).into_response())
}

/// GET /cases/{id}/referrals/new (`?service=` shows the gate for that service)
pub(crate) async fn form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(case_id): Id<CaseId>,
    Query(query): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let form = NewForm { service: query.get("service").cloned().unwrap_or_default(), ..NewForm::default() };
    render(&app, &visitor, &ctx, case_id, form, FieldErrors::new(), StatusCode::OK).await
}

/// POST /cases/{id}/referrals — `intent=draft` or `intent=send`.
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(case_id): Id<CaseId>,
    FormData(raw): FormData<HashMap<String, String>>,
) -> WebResult<Response> {
    let form = NewForm::read(&raw);
    let send_now = raw.get("intent").map(String::as_str) == Some("send");
    let mut errors = FieldErrors::new();
    let service_id = form.service.trim().parse::<ServiceId>().map_err(|_| errors.add("service", "error-choose")).ok();
    let fields: Vec<PacketField> = form.fields.iter().filter_map(|f| PacketField::parse(f)).collect();
    if fields.is_empty() {
        errors.add("fields", "ref-error-no-field");
    }
    let Some(service_id) = service_id.filter(|_| errors.is_empty()) else {
        return render(&app, &visitor, &ctx, case_id, form, errors, INVALID).await;
    };
    let new = NewDraft {
        case_id,
        service_id,
        fields,
        message: Some(form.message.clone()),
        override_reason: Some(form.override_reason.clone()),
        send_now,
    };
    let field_error = |field, key| {
        let mut errors = FieldErrors::new();
        errors.add(field, key);
        errors
    };
    let errors = match referrals::draft(&app.core, &ctx.actor(&visitor), new).await {
        Ok(drafted) => {
            let (to, flash) = match (ctx.member.may(Permission::ReferralReceive), drafted.sent) {
                (true, true) => (format!("/referrals/{}", drafted.id), "ref-flash-sent"),
                (true, false) => (format!("/referrals/{}", drafted.id), "ref-flash-drafted"),
                // Volunteers read neither referrals nor cases: back to the person.
                (false, _) => (format!("/beneficiaries/{}", drafted.person), "ref-flash-drafted"),
            };
            return Ok(redirect_with_flash(&app, &to, flash));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Conflict(Conflict::IntakeClosed)) => field_error("service", "ref-error-intake-closed"),
        Err(AppError::Conflict(Conflict::ConsentRequired)) if ctx.member.may(Permission::ReferralOverrideConsent) => {
            field_error("override_reason", "ref-error-override-required")
        }
        Err(AppError::Conflict(Conflict::ConsentRequired)) => field_error("service", "ref-error-consent-blocked"),
        Err(other) => return Err(WebError::from(other)),
    };
    render(&app, &visitor, &ctx, case_id, form, errors, INVALID).await
}
