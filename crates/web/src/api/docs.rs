//! GET /api/docs: the OpenAPI document as a page for signed-in users, read
//! from the same generated document as `/api/v1/openapi.json` (served from
//! the binary: no CDN, no JavaScript).

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::OpenApi;

use super::ApiDoc;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

#[derive(Debug, Serialize)]
struct Parameter {
    name: String,
    place: String,
    required: bool,
    description: String,
}

#[derive(Debug, Serialize)]
struct Answer {
    status: String,
    description: String,
    schema: Option<String>,
}

#[derive(Debug, Serialize)]
struct Operation {
    method: String,
    path: String,
    anchor: String,
    tag: String,
    summary: String,
    parameters: Vec<Parameter>,
    request: Option<String>,
    responses: Vec<Answer>,
}

#[derive(Debug, Serialize)]
struct SchemaView {
    name: String,
    json: String,
}

/// `api/docs.html`.
#[derive(Debug, Serialize)]
struct DocsPage {
    title: String,
    description: String,
    operations: Vec<Operation>,
    schemas: Vec<SchemaView>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The name a `$ref` (or an array of one) points to.
fn schema_name(v: &Value) -> Option<String> {
    let schema = v.get("content")?.get("application/json")?.get("schema")?;
    let reference = schema.get("$ref").or_else(|| schema.get("items").and_then(|i| i.get("$ref")))?;
    reference.as_str().map(|r| r.rsplit('/').next().unwrap_or(r).to_owned())
}

fn model() -> DocsPage {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    let mut operations = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, op) in item {
                let parameters = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map(|ps| {
                        ps.iter()
                            .map(|p| Parameter {
                                name: text(p, "name"),
                                place: text(p, "in"),
                                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                                description: text(p, "description"),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let responses = op
                    .get("responses")
                    .and_then(Value::as_object)
                    .map(|rs| {
                        rs.iter()
                            .map(|(status, r)| Answer {
                                status: status.clone(),
                                description: text(r, "description"),
                                schema: schema_name(r),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                operations.push(Operation {
                    anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    tag: op.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).unwrap_or("").to_owned(),
                    summary: text(op, "summary"),
                    parameters,
                    request: op.get("requestBody").and_then(schema_name),
                    responses,
                });
            }
        }
    }
    let schemas = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .map(|(name, schema)| SchemaView {
                    name: name.clone(),
                    json: serde_json::to_string_pretty(schema).unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let info = doc.get("info").cloned().unwrap_or(Value::Null);
    DocsPage { title: text(&info, "title"), description: text(&info, "description"), operations, schemas }
}

/// GET /api/docs
pub(crate) async fn page(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    Ok(render_page(&app, &visitor, "api/docs.html", &model())?.into_response())
}
