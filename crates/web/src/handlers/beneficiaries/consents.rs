//! Consents of a person: record and withdraw (`consent:manage`). A
//! withdrawal runs the subscribers of `consents::ON_WITHDRAWN` (referrals)
//! in the same transaction and is audited with the event's ids and codes.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_persistence::models::{beneficiaries, consents};

use super::form::ConsentForm;
use super::show::{PageForms, render_person};
use super::{parse_id, partners, person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::audit;
use crate::paths::Ids;
use crate::state::AppState;
use crate::visitor::Visitor;
use relais_domain::{BeneficiaryId, ConsentId};

/// POST /beneficiaries/{id}/consents
pub(crate) async fn record(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ConsentForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let (scope, key, c2) = (ctx.scope, id.clone(), ctx.clone());
    let partner_ids: Vec<String> = app
        .db
        .run(move |conn| {
            beneficiaries::find(conn, &scope, &key)?;
            partners(conn, &c2)
        })
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut errors = FieldErrors::new();
    let Some(new) = form.check(&mut errors, today(&app), &partner_ids) else {
        let forms = PageForms { consent: Some(form), errors, ..PageForms::default() };
        return render_person(&app, &visitor, &ctx, &id, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (actor, request_id, key) = (ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    app.db
        .write(move |conn| {
            let c = consents::record(conn, &scope, &key, &new, Some(&actor))?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "consent.recorded",
                ("beneficiary", Some(&key)),
                serde_json::json!({
                    "consent_id": c.id, "purpose": c.purpose, "channel": c.channel,
                    "partner_tenant_id": c.partner_tenant_id,
                }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(Redirect::to(&person_path(&id, Some("consent_recorded"))).into_response())
}

/// POST /beneficiaries/{id}/consents/{consent_id}/withdraw
pub(crate) async fn withdraw(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(person, consent): Ids<BeneficiaryId, ConsentId>,
) -> WebResult<Response> {
    relais_app::people::withdraw_consent(&app.core, &ctx.actor(&visitor), person, consent).await?;
    Ok(Redirect::to(&person_path(&person.to_string(), Some("consent_withdrawn"))).into_response())
}
