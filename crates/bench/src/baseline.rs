//! The bare baseline: the yardstick of `docs/performance.md`, not a product
//! feature. It serves the same 50-row case list as `GET /cases` — the same
//! query ([`cases::list`]), the same table template (`cases/list_table.html`
//! with the same translations) on the same database and pool — with axum and
//! nothing else: no session, authorization, CSRF, audit, layout or filters.
//!
//! `GET /t/{tenant_id}/cases[?after=<cursor>]` lists a tenant's cases;
//! `GET /readyz` answers `ok`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use relais_domain::TenantId;
use relais_persistence::models::cases::{self, CaseFilter, Cursor};
use relais_persistence::{DatabaseUrl, Db, PoolSettings, TenantScope};
use relais_web::CaseRow;
use serde::Deserialize;

/// Rows per page, as on the case list.
const PAGE: i64 = 50;
/// The template it renders: the case list's table.
const TEMPLATE: &str = "cases/list_table.html";

/// `relais-bench baseline` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database (SQLite path or `sqlite:` URL, or `postgres://…`), as generated.
    #[arg(long)]
    pub database: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub bind: SocketAddr,
    /// Pooled connections (the server's default is 8).
    #[arg(long, default_value_t = 8)]
    pub pool: u32,
}

struct Baseline {
    db: Db,
    tera: tera::Tera,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default)]
    after: String,
}

/// Serves the baseline until the process is stopped.
pub async fn serve(args: Args) -> anyhow::Result<()> {
    let url = DatabaseUrl::parse(&args.database).context("the database URL")?;
    let db = Db::connect(&url, PoolSettings { max_connections: args.pool, ..PoolSettings::default() })?;
    let mut tera = tera::Tera::new();
    relais_i18n::register_tera_function(&mut tera, relais_i18n::Catalog::embedded());
    let source = relais_web::Templates::sources()
        .into_iter()
        .find(|(name, _)| *name == TEMPLATE)
        .context("the case list table template")?;
    tera.add_raw_templates([source])?;
    let state = Arc::new(Baseline { db, tera });
    let app = Router::new()
        .route("/t/{tenant_id}/cases", get(list))
        .route("/readyz", get(|| async { "ok" }))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(args.bind).await.context("binding the baseline's address")?;
    println!("baseline listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn list(
    State(app): State<Arc<Baseline>>,
    Path(tenant_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let Ok(tenant) = tenant_id.parse::<TenantId>() else { return StatusCode::NOT_FOUND.into_response() };
    let scope = TenantScope::for_system(tenant);
    let after = Cursor::parse(&query.after);
    let page =
        match app.db.run(move |conn| cases::list(conn, &scope, &CaseFilter::default(), after.as_ref(), PAGE)).await {
            Ok(page) => page,
            Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        };
    // The same rows as the case list's page model.
    let rows: Vec<CaseRow> = page.rows.iter().map(CaseRow::from).collect();
    let mut context = tera::Context::new();
    context.insert("lang", "fr");
    context.insert("cases", &rows);
    match app.tera.render(TEMPLATE, &context) {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
