//! Notes on a case: normal or confidential. The audit trail and the
//! timeline record a note's visibility, never its text.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use relais_domain::case_file::{self, NoteVisibility};
use relais_persistence::models::case_notes;
use serde_json::json;

use super::show::{CaseForms, PageState, render};
use super::{INVALID, parse_id, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /cases/{id}/notes
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let body = forms::text(&mut errors, "body", &form.body, case_file::NOTE_MAX, true);
    let visibility =
        form.visibility.parse::<NoteVisibility>().map_err(|_| errors.add("visibility", "error-choose")).ok();
    let Some(visibility) = visibility.filter(|_| errors.is_empty()) else {
        let state = PageState { forms: Some(form), errors, message: None };
        return render(&app, &visitor, &ctx, &id, state, INVALID).await;
    };
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    app.db
        .write(move |conn| {
            let note_id = case_notes::create(conn, &scope, &case_id, &actor, visibility, &body)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "note.added",
                ("case", Some(&case_id)),
                json!({ "note_id": note_id, "visibility": visibility.as_str() }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(to_case(&id, "case-notes"))
}
