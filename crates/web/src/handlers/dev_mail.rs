//! The demo mailbox: every e-mail written to the outbox, readable in the
//! browser. Served only by `relais demo` (the route's access is `Demo`).

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use relais_persistence::models::outbox;

use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// GET /dev/mail
pub(crate) async fn list(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    let emails = app.db.run(move |conn| outbox::list_recent(conn, 200)).await?;
    let rows: Vec<_> = emails
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id, "recipient": e.recipient, "subject": e.subject, "status": e.status,
                "template": e.template, "created_at": e.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            })
        })
        .collect();
    let mut context = page_context(&app, &visitor);
    context.insert("emails", &rows);
    Ok(app.templates.render("dev_mail.html", &context)?.into_response())
}

/// GET /dev/mail/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let email = app.db.run(move |conn| outbox::find(conn, &id)).await?;
    let mut context = page_context(&app, &visitor);
    let links: Vec<&str> =
        email.body_text.split_whitespace().filter(|w| w.starts_with("http://") || w.starts_with("https://")).collect();
    context.insert(
        "email",
        &serde_json::json!({
            "recipient": email.recipient, "subject": email.subject, "status": email.status,
            "body_text": email.body_text, "language": email.language, "message_id": email.message_id,
        }),
    );
    context.insert("links", &links);
    Ok(app.templates.render("dev_mail_message.html", &context)?.into_response())
}
