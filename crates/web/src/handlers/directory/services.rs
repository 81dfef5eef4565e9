//! A tenant's own services in the directory (its administrators).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_persistence::models::directory::{self, Owner};

use super::form::{ServiceForm, choices};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::{audit, redirect_with_flash};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Renders the service form (shared with the external organisations' services).
pub(crate) fn render_form(
    app: &AppState,
    visitor: &Visitor,
    form: &ServiceForm,
    errors: &FieldErrors,
    action: &str,
    owner_name: &str,
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    choices(&mut context);
    context.insert("form", form);
    context.insert("errors", errors);
    context.insert("action", action);
    context.insert("owner_name", owner_name);
    Ok((status, app.templates.render("directory/service_form.html", &context)?).into_response())
}

/// GET /services
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let scope = ctx.scope;
    let services = app.db.run(move |conn| directory::services_of_tenant(conn, &scope)).await?;
    let rows: Vec<_> = services
        .iter()
        .map(|s| serde_json::json!({ "id": s.id, "name": s.name(visitor.lang), "category": s.category, "intake_open": s.intake_open, "response_days": s.response_days }))
        .collect();
    let mut context = page_context(&app, &visitor);
    context.insert("services", &rows);
    context.insert("tenant_name", &ctx.tenant_name);
    Ok(app.templates.render("directory/own_services.html", &context)?.into_response())
}

/// GET /services/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    render_form(
        &app,
        &visitor,
        &ServiceForm::blank(),
        &FieldErrors::new(),
        "/services",
        &ctx.tenant_name,
        StatusCode::OK,
    )
}

/// POST /services
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = ServiceForm::from_pairs(&pairs);
    let mut errors = FieldErrors::new();
    let Some(fields) = form.check(&mut errors) else {
        return render_form(
            &app,
            &visitor,
            &form,
            &errors,
            "/services",
            &ctx.tenant_name,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let (scope, actor, request_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            let service = directory::create_service(conn, Owner::Tenant(&scope), &fields)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "service.created",
                ("service", Some(&service.id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, "/services", "flash-service-saved"))
}

/// GET /services/{id}/edit
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let tenant = ctx.scope.tenant_id().to_string();
    let service = app.db.run(move |conn| directory::find_service(conn, &id)).await?;
    if service.owner_tenant_id.as_deref() != Some(tenant.as_str()) {
        return Err(WebError::NotFound);
    }
    let action = format!("/services/{}", service.id);
    render_form(
        &app,
        &visitor,
        &ServiceForm::from_service(&service),
        &FieldErrors::new(),
        &action,
        &ctx.tenant_name,
        StatusCode::OK,
    )
}

/// POST /services/{id}
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = ServiceForm::from_pairs(&pairs);
    let mut errors = FieldErrors::new();
    let action = format!("/services/{id}");
    let Some(fields) = form.check(&mut errors) else {
        return render_form(
            &app,
            &visitor,
            &form,
            &errors,
            &action,
            &ctx.tenant_name,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let (scope, actor, request_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            directory::update_service(conn, Owner::Tenant(&scope), &id, &fields)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "service.updated",
                ("service", Some(&id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, "/services", "flash-service-saved"))
}
