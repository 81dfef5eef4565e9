//! Sending a referral from a case: choose a service, see the consent gate's
//! answer (which consent covers it, or why it is blocked), choose the packet
//! and write a message; save a draft (volunteers) or send at once
//! (`referral:send`). An override of the gate needs
//! `referral:override_consent` and a justification, and is audited.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_domain::referral::{ReferralAction, Side, Transition};
use relais_persistence::models::beneficiaries::{self, Beneficiary};
use relais_persistence::models::cases;
use relais_persistence::models::directory::{self, DirectoryEntry, DirectoryQuery};
use relais_persistence::models::referrals::{
    self, ConsentGate, MINIMAL_PACKET, NewReferral, PacketField, ReferralError,
};
use relais_persistence::stored::parse_column;
use relais_persistence::{DbConnection, TenantScope};
use serde::Serialize;
use serde_json::{Value, json};

use super::{audit_action, notify_change, parse_id};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::{audit, redirect_with_flash};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Longest message or justification, in characters.
const TEXT_MAX: usize = 2000;

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

struct Loaded {
    case: cases::Case,
    person: Beneficiary,
    services: Vec<DirectoryEntry>,
    gate: Option<(directory::Service, ConsentGate)>,
}

fn load(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    service_id: &str,
    today: chrono::NaiveDate,
) -> Result<Loaded, WebError> {
    let case = cases::find(conn, scope, case_id)?;
    let person = beneficiaries::find(conn, scope, parse_column("cases.beneficiary_id", &case.beneficiary_id)?)?;
    if person.erased_at.is_some() {
        return Err(WebError::NotFound);
    }
    // Organisations without an account are answered through signed links (not here yet).
    let services: Vec<DirectoryEntry> = directory::search(conn, &DirectoryQuery::default())?.into_iter().collect();
    let gate = match services.iter().find(|e| e.service.id == service_id) {
        Some(entry) => {
            let gate = referrals::consent_gate(conn, scope, &person.id.to_string(), &entry.service, today)?;
            Some((entry.service.clone(), gate))
        }
        None => None,
    };
    Ok(Loaded { case, person, services, gate })
}

fn field_value(person: &Beneficiary, field: PacketField) -> Option<String> {
    referrals::build_packet(person, &[field]).get(field.as_str()).and_then(Value::as_str).map(str::to_owned)
}

#[expect(clippy::too_many_arguments, reason = "the page's whole state")]
async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    case_id: &str,
    form: Option<NewForm>,
    errors: FieldErrors,
    message: Option<&'static str>,
    status: StatusCode,
) -> WebResult<Response> {
    let service_id = form.as_ref().map(|f| f.service.clone()).unwrap_or_default();
    let (scope, key, today) = (ctx.scope, case_id.to_owned(), app.now().date());
    let Loaded { case, person, services, gate } =
        app.db.run(move |conn| load(conn, &scope, &key, &service_id, today)).await?;
    let tenant_key = ctx.scope.tenant_id().to_string();
    let may = |p| app.authz.is_allowed(&ctx.user_id, &tenant_key, p);
    let form = form.unwrap_or_default();
    let chosen: Vec<String> = if form.fields.is_empty() && errors.is_empty() {
        MINIMAL_PACKET.iter().map(|f| f.as_str().to_owned()).collect()
    } else {
        form.fields.clone()
    };
    let mut context = page_context(app, visitor);
    context.insert("case", &json!({ "id": case.id, "reference": case.reference }));
    context.insert(
        "person",
        &json!({ "id": person.id, "given_names": person.given_names, "family_names": person.family_names }),
    );
    context.insert(
        "services",
        &services
            .iter()
            .map(|e| json!({ "id": e.service.id, "name": e.service.name(visitor.lang), "owner": e.owner_name, "intake_open": e.service.intake_open }))
            .collect::<Vec<_>>(),
    );
    let gate_view = gate.as_ref().map(|(service, gate)| match gate {
        ConsentGate::Covered(c) => json!({ "covered": true, "given_on": c.given_on.to_string(),
            "expires_on": c.expires_on.map(|d| d.to_string()), "intake_open": service.intake_open }),
        ConsentGate::Blocked(reason) => json!({ "covered": false, "reason": reason.as_str().replace('_', "-"),
            "intake_open": service.intake_open }),
    });
    context.insert("gate", &gate_view);
    context.insert(
        "fields",
        &PacketField::ALL
            .iter()
            .map(|f| {
                json!({ "code": f.as_str(), "key": f.as_str().replace('_', "-"),
                "value": field_value(&person, *f), "checked": chosen.iter().any(|c| c == f.as_str()) })
            })
            .collect::<Vec<_>>(),
    );
    context.insert("can_send", &may(Permission::ReferralSend));
    context.insert("can_override", &may(Permission::ReferralOverrideConsent));
    context.insert("form", &form);
    context.insert("errors", &errors);
    context.insert("message", &message);
    Ok((status, app.templates.render("referrals/new.html", &context)?).into_response())
}

/// GET /cases/{id}/referrals/new (`?service=` shows the gate for that service)
pub(crate) async fn form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let form = NewForm { service: query.get("service").cloned().unwrap_or_default(), ..NewForm::default() };
    render(&app, &visitor, &ctx, &id, Some(form), FieldErrors::new(), None, StatusCode::OK).await
}

/// POST /cases/{id}/referrals — `intent=draft` or `intent=send`.
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(raw): FormData<HashMap<String, String>>,
) -> WebResult<Response> {
    let case_id = parse_id(&id)?;
    let form = NewForm::read(&raw);
    let tenant_key = ctx.scope.tenant_id().to_string();
    let may = |p| app.authz.is_allowed(&ctx.user_id, &tenant_key, p);
    let send_now = raw.get("intent").map(String::as_str) == Some("send");
    if send_now && !may(Permission::ReferralSend) {
        return Err(WebError::Forbidden);
    }
    let can_override = may(Permission::ReferralOverrideConsent);
    let mut errors = FieldErrors::new();
    let service_id = parse_id(form.service.trim()).map_err(|_| errors.add("service", "error-choose")).ok();
    let fields: Vec<PacketField> = form.fields.iter().filter_map(|f| PacketField::parse(f)).collect();
    if fields.is_empty() {
        errors.add("fields", "ref-error-no-field");
    }
    let message = forms::text(&mut errors, "message", &form.message, TEXT_MAX, false);
    let override_reason = forms::text(&mut errors, "override_reason", &form.override_reason, TEXT_MAX, false);
    if !override_reason.is_empty() && !can_override {
        return Err(WebError::Forbidden);
    }
    let Some(service_id) = service_id.filter(|_| errors.is_empty()) else {
        return render(&app, &visitor, &ctx, &case_id, Some(form), errors, None, INVALID).await;
    };
    let (scope, actor, request_id, key, app2, at) =
        (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), case_id.clone(), app.clone(), app.now());
    let created = app
        .db
        .write(move |conn| {
            let new = NewReferral {
                case_id: &key,
                service_id: &service_id,
                fields: &fields,
                message: Some(message.as_str()),
                override_reason: Some(override_reason.as_str()).filter(|r| !r.is_empty()),
                created_by: &actor,
                today: at.date(),
                at,
            };
            let r = match referrals::create_draft(conn, &scope, &new) {
                Ok(r) => r,
                Err(ReferralError::IntakeClosed) => return Ok(Err(("service", "ref-error-intake-closed"))),
                Err(ReferralError::ConsentRequired(_)) if can_override => {
                    return Ok(Err(("override_reason", "ref-error-override-required")));
                }
                Err(ReferralError::ConsentRequired(_)) => return Ok(Err(("service", "ref-error-consent-blocked"))),
                Err(other) => return Err(WebError::from(other)),
            };
            let codes: Vec<&str> = fields.iter().map(PacketField::as_str).collect();
            let details = json!({ "case_id": key, "service_id": service_id, "fields": codes,
                "consent_id": r.consent_id, "consent_override": r.consent_id.is_none() });
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "referral.drafted",
                ("referral", Some(&r.id)),
                details,
                &request_id,
            )?;
            if r.consent_id.is_none() {
                let details = json!({ "case_id": key, "service_id": service_id });
                let target = ("referral", Some(r.id.as_str()));
                audit(conn, Some(&scope), Some(&actor), "referral.consent_overridden", target, details, &request_id)?;
            }
            if send_now {
                match referrals::send(conn, &scope, &r.id, &actor, at)? {
                    Transition::Changed(_) => {
                        let target = ("referral", Some(r.id.as_str()));
                        let details = json!({ "action": "send", "to": "sent" });
                        audit(
                            conn,
                            Some(&scope),
                            Some(&actor),
                            audit_action(ReferralAction::Send),
                            target,
                            details,
                            &request_id,
                        )?;
                        notify_change(conn, &app2, &r.id, ReferralAction::Send, Side::Sender)?;
                    }
                    Transition::Unchanged => {}
                }
            }
            Ok::<_, WebError>(Ok((r.id, r.sender_beneficiary_id)))
        })
        .await?;
    match created {
        Ok((id, person)) => {
            let (to, flash) = match (may(Permission::ReferralReceive), send_now) {
                (true, true) => (format!("/referrals/{id}"), "ref-flash-sent"),
                (true, false) => (format!("/referrals/{id}"), "ref-flash-drafted"),
                // Volunteers read neither referrals nor cases: back to the person.
                (false, _) => (format!("/beneficiaries/{person}"), "ref-flash-drafted"),
            };
            Ok(redirect_with_flash(&app, &to, flash))
        }
        Err((field, key)) => {
            let mut errors = FieldErrors::new();
            errors.add(field, key);
            render(&app, &visitor, &ctx, &case_id, Some(form), errors, None, INVALID).await
        }
    }
}

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
