//! GET /beneficiaries — the list: name search tolerant of accents, order and
//! transliteration, filters, keyset pages of 50 with a "next" link. Users
//! who may not see identity documents get neither the document filters nor
//! anything but names and contact fields.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_domain::beneficiary::{country_code, document_number_key};
use relais_domain::{Permission, Region, names};
use relais_persistence::models::beneficiaries::{self, ListQuery, Sort};
use serde::{Deserialize, Serialize};

use super::{can, choices, person_json, today};
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// The list's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct ListParams {
    q: String,
    region: String,
    nationality: String,
    expiring: String,
    number: String,
    sort: String,
    after: String,
}

/// Days ahead the "documents expiring" filter may look.
const EXPIRY_CHOICES: &[i64] = &[30, 60, 90];

/// GET /beneficiaries
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(params): Query<ListParams>,
) -> WebResult<Response> {
    let documents = can(&app, &ctx, Permission::DocumentRead);
    let full = can(&app, &ctx, Permission::BeneficiaryUpdate);
    let query = ListQuery {
        sort: if params.sort == "newest" { Sort::Newest } else { Sort::Name },
        region: params.region.parse::<Region>().ok(),
        nationality: country_code(&params.nationality).map(str::to_owned),
        expiring_within_days: params.expiring.parse::<i64>().ok().filter(|d| documents && (1..=365).contains(d)),
        today: Some(today(&app)),
        name_tokens: names::query_tokens(&params.q),
        document_number: Some(document_number_key(&params.number)).filter(|n| documents && !n.is_empty()),
        after: uuid::Uuid::parse_str(params.after.trim()).ok().map(|u| u.hyphenated().to_string()),
    };
    let scope = ctx.scope;
    let page = app.db.run(move |conn| beneficiaries::list(conn, &scope, &query)).await?;
    let next_url = page.next.as_ref().map(|after| {
        let next = ListParams { after: after.clone(), ..params.clone() };
        format!("/beneficiaries?{}", serde_urlencoded::to_string(&next).unwrap_or_default())
    });
    let filtered = !(params.q.is_empty()
        && params.region.is_empty()
        && params.nationality.is_empty()
        && params.expiring.is_empty()
        && params.number.is_empty());
    let mut context = page_context(&app, &visitor);
    choices(&mut context);
    context.insert("people", &page.rows.iter().map(|b| person_json(b, full)).collect::<Vec<_>>());
    context.insert("params", &params);
    context.insert("next_url", &next_url);
    context.insert("first_page", &params.after.is_empty());
    context.insert("filtered", &filtered);
    context.insert("can_see_documents", &documents);
    context.insert("full", &full);
    context.insert("can_create", &can(&app, &ctx, Permission::BeneficiaryCreate));
    context.insert("expiry_choices", &EXPIRY_CHOICES.iter().map(i64::to_string).collect::<Vec<_>>());
    Ok(app.templates.render("beneficiaries/list.html", &context)?.into_response())
}
