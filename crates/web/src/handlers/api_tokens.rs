//! API tokens on the account side: a member creates, names, lists and
//! revokes their own tokens for the active tenant (the secret is shown once,
//! on the page that creates it); a tenant administrator sees and revokes
//! every member's.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::api_tokens::{self, DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS};
use relais_domain::{ApiTokenId, Permission};
use relais_persistence::models::api_tokens::ApiToken;
use serde::{Deserialize, Serialize};

use crate::access::Access::Tenant;
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::redirect_with_flash;
use crate::paths::Id;
use crate::routes::{RouteTable, route};
use crate::state::AppState;
use crate::templates::render_page;
use crate::views::time_text;
use crate::visitor::Visitor;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[("api/tokens.html", include_str!("../../templates/api/tokens.html"))];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    vec![
        route!(get, "/account/tokens", Tenant(Permission::ApiTokenManage), list),
        route!(post, "/account/tokens", Tenant(Permission::ApiTokenManage), create),
        route!(post, "/account/tokens/{id}/revoke", Tenant(Permission::ApiTokenManage), revoke),
        route!(get, "/members/tokens", Tenant(Permission::MemberManage), members),
    ]
}

#[derive(Debug, Serialize)]
struct TokenRow {
    id: String,
    name: String,
    user_id: String,
    created_at: String,
    expires_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    live: bool,
}

impl TokenRow {
    fn new(t: &ApiToken, now: chrono::NaiveDateTime) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            user_id: t.user_id.to_string(),
            created_at: time_text(t.created_at),
            expires_at: time_text(t.expires_at),
            last_used_at: t.last_used_at.map(time_text),
            revoked_at: t.revoked_at.map(time_text),
            live: t.is_live(now),
        }
    }
}

/// The form as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    lifetime_days: String,
}

/// `api/tokens.html`.
#[derive(Debug, Serialize)]
struct TokensPage<'a> {
    every_member: bool,
    tokens: Vec<TokenRow>,
    /// The secret of the token just created: shown this once.
    secret: Option<String>,
    form: TokenForm,
    errors: &'a FieldErrors,
    default_days: u32,
    max_days: u32,
}

/// What the tokens page shows besides the list: whose tokens, the secret
/// just created, and the form as typed with its errors.
#[derive(Default)]
struct Shown {
    every_member: bool,
    secret: Option<String>,
    form: TokenForm,
    errors: FieldErrors,
}

async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    shown: Shown,
    status: StatusCode,
) -> WebResult<Response> {
    let Shown { every_member, secret, form, errors } = shown;
    let tokens = api_tokens::list_tokens(&app.core, &ctx.actor(visitor), every_member).await?;
    let now = app.now();
    let page = TokensPage {
        every_member,
        tokens: tokens.iter().map(|t| TokenRow::new(t, now)).collect(),
        secret,
        form,
        errors: &errors,
        default_days: DEFAULT_LIFETIME_DAYS,
        max_days: MAX_LIFETIME_DAYS,
    };
    Ok((status, render_page(app, visitor, "api/tokens.html", &page)?).into_response())
}

/// GET /account/tokens
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    render(&app, &visitor, &ctx, Shown::default(), StatusCode::OK).await
}

/// GET /members/tokens — every member's tokens, for a tenant administrator.
pub(crate) async fn members(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    render(&app, &visitor, &ctx, Shown { every_member: true, ..Shown::default() }, StatusCode::OK).await
}

/// POST /account/tokens — creates one and shows its secret once.
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(form): FormData<TokenForm>,
) -> WebResult<Response> {
    let days = match form.lifetime_days.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(days) => Some(days),
            Err(_) => {
                let mut errors = FieldErrors::new();
                errors.add("lifetime_days", "api-error-number");
                let shown = Shown { form, errors, ..Shown::default() };
                return render(&app, &visitor, &ctx, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
    };
    match api_tokens::create_token(&app.core, &ctx.actor(&visitor), form.name.clone(), days).await {
        Ok(created) => {
            let shown = Shown { secret: Some(created.secret), ..Shown::default() };
            render(&app, &visitor, &ctx, shown, StatusCode::CREATED).await
        }
        Err(AppError::Validation(errors)) => {
            let shown = Shown { form, errors, ..Shown::default() };
            render(&app, &visitor, &ctx, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(WebError::from(other)),
    }
}

/// POST /account/tokens/{id}/revoke — one's own, or (tenant admin) a member's.
pub(crate) async fn revoke(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ApiTokenId>,
) -> WebResult<Response> {
    api_tokens::revoke_token(&app.core, &ctx.actor(&visitor), id).await?;
    let back = if ctx.member.may(Permission::MemberManage) { "/members/tokens" } else { "/account/tokens" };
    Ok(redirect_with_flash(&app, back, "flash-token-revoked"))
}
