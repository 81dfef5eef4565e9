//! GET /beneficiaries — the list: name search tolerant of accents, order and
//! transliteration, filters, keyset pages of 50 with a "next" link. Users
//! who may not see identity documents get neither the document filters nor
//! anything but names and contact fields.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_domain::beneficiary::{country_code, document_number_key};
use relais_domain::{BeneficiaryId, Permission, Region, names};
use relais_persistence::models::beneficiaries::{ListQuery, Sort};
use serde::{Deserialize, Serialize};

use super::{Choices, PersonCard, may, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::state::AppState;
use crate::templates::render_page;
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

/// The people list.
#[derive(Debug, Serialize)]
struct ListPage {
    #[serde(flatten)]
    choices: Choices,
    people: Vec<PersonCard>,
    /// The filters as typed (to refill the search form).
    params: ListParams,
    next_url: Option<String>,
    first_page: bool,
    filtered: bool,
    can_see_documents: bool,
    full: bool,
    can_create: bool,
    expiry_choices: Vec<String>,
}

/// GET /beneficiaries
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(params): Query<ListParams>,
) -> WebResult<Response> {
    let documents = may(&ctx, Permission::DocumentRead);
    let full = may(&ctx, Permission::BeneficiaryUpdate);
    let query = ListQuery {
        sort: if params.sort == "newest" { Sort::Newest } else { Sort::Name },
        region: params.region.parse::<Region>().ok(),
        nationality: country_code(&params.nationality).map(str::to_owned),
        expiring_within_days: params.expiring.parse::<i64>().ok().filter(|d| documents && (1..=365).contains(d)),
        today: Some(today(&app)),
        name_tokens: names::query_tokens(&params.q),
        document_number: Some(document_number_key(&params.number)).filter(|n| documents && !n.is_empty()),
        after: params.after.trim().parse::<BeneficiaryId>().ok(),
    };
    let page = relais_app::people::list_people(&app.core, &ctx.actor(&visitor), query).await?;
    let next_url = match page.next {
        Some(after) => {
            let next = ListParams { after: after.to_string(), ..params.clone() };
            let query = serde_urlencoded::to_string(&next).map_err(|e| WebError::Internal(e.to_string()))?;
            Some(format!("/beneficiaries?{query}"))
        }
        None => None,
    };
    let filtered = !(params.q.is_empty()
        && params.region.is_empty()
        && params.nationality.is_empty()
        && params.expiring.is_empty()
        && params.number.is_empty());
    let model = ListPage {
        choices: Choices::all(),
        people: page.rows.iter().map(|b| PersonCard::of(b, full)).collect(),
        first_page: params.after.is_empty(),
        params,
        next_url,
        filtered,
        can_see_documents: documents,
        full,
        can_create: may(&ctx, Permission::BeneficiaryCreate),
        expiry_choices: EXPIRY_CHOICES.iter().map(i64::to_string).collect(),
    };
    Ok(render_page(&app, &visitor, "beneficiaries/list.html", &model)?.into_response())
}
