//! Importing a sign-in sheet at an event (issue 12, decision 0028): the
//! upload form, the preview (columns mapped by selects prefilled from the
//! headers, each row's problems in the reader's language and its possible
//! duplicates with "this person" / "new person"), and the confirmation,
//! which imports everything or nothing.
//!
//! Both POSTs are `multipart/form-data` (the CSRF check reads their `_csrf`
//! part). The preview carries the file itself back, in base64 in a hidden
//! field with its name: the server reads it again on every post and the
//! command checks every row again; nothing is kept between requests.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use relais_app::outreach::{
    self, ColumnMapping, Decisions, ImportField, Preview, RowDecision, Sheet, parse_sheet, split_cell_key,
};
use relais_domain::{BeneficiaryId, EventId, Language};
use relais_i18n::Catalog;
use serde::Serialize;

use super::INVALID;
use super::show::conflict_message;
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::FieldErrors;
use crate::handlers::redirect_with_flash;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The event, as the page names it.
#[derive(Debug, Serialize)]
struct EventHead {
    id: EventId,
    title: String,
}

/// A column of the sheet and the field chosen for it.
#[derive(Debug, Serialize)]
struct ColumnChoice {
    index: usize,
    header: String,
    field: Option<&'static str>,
}

/// A person of the tenant who may be the one on a row.
#[derive(Debug, Serialize)]
struct CandidateChoice {
    id: BeneficiaryId,
    /// "This is Awa Diop (1990)", in the reader's language.
    label: String,
    city: Option<String>,
}

/// One row of the preview.
#[derive(Debug, Serialize)]
struct RowView {
    line: u32,
    /// The cells of the mapped columns, in the columns' order.
    values: Vec<String>,
    /// Its problems, each naming line and column, in the reader's language.
    problems: Vec<String>,
    candidates: Vec<CandidateChoice>,
    /// What was chosen for it (`new`, a person's id, or nothing yet).
    decision: String,
    same_as_line: Option<u32>,
}

/// What the preview shows.
#[derive(Debug, Serialize)]
struct PreviewView {
    filename: String,
    /// The file, in base64 (posted back with every choice).
    sheet: String,
    columns: Vec<ColumnChoice>,
    /// The fields of the mapped columns, in order (the table's headings).
    shown: Vec<&'static str>,
    rows: Vec<RowView>,
    total: usize,
    with_errors: usize,
    with_candidates: usize,
    /// Every problem the import found, line by line (after a confirmation).
    report: Vec<String>,
    can_confirm: bool,
}

/// The import page: the upload form, or the preview.
#[derive(Debug, Serialize)]
struct ImportPage {
    event: EventHead,
    /// Every field a column may hold (the explanation, the selects).
    fields: Vec<&'static str>,
    errors: FieldErrors,
    message: Option<&'static str>,
    preview: Option<PreviewView>,
}

/// What an upload form sends, as typed.
#[derive(Debug, Default)]
struct ImportForm {
    /// The file chosen (name, bytes), if one was.
    file: Option<(String, Vec<u8>)>,
    /// The file carried by the preview.
    filename: String,
    sheet: String,
    /// `col-<index>`: the field chosen for each column.
    columns: BTreeMap<usize, String>,
    /// `decision-<line>`: `new` or a candidate's id.
    decisions: BTreeMap<u32, String>,
}

impl ImportForm {
    /// Reads the parts of the form (unknown parts are ignored).
    async fn read(mut multipart: Multipart) -> Result<Self, &'static str> {
        let mut form = ImportForm::default();
        while let Some(field) = multipart.next_field().await.map_err(|_| "import-error-file-unreadable")? {
            let name = field.name().unwrap_or("").to_owned();
            if name == "file" {
                let filename = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|_| "import-error-file-unreadable")?;
                if !bytes.is_empty() {
                    form.file = Some((filename, bytes.to_vec()));
                }
                continue;
            }
            let value = field.text().await.map_err(|_| "import-error-file-unreadable")?;
            if let Some(index) = name.strip_prefix("col-").and_then(|i| i.parse().ok()) {
                form.columns.insert(index, value);
            } else if let Some(line) = name.strip_prefix("decision-").and_then(|l| l.parse().ok()) {
                form.decisions.insert(line, value);
            } else if name == "filename" {
                form.filename = value;
            } else if name == "sheet" {
                form.sheet = value;
            }
        }
        Ok(form)
    }

    /// The file: the one chosen, else the one the preview carried.
    fn file(&self) -> Result<(String, Vec<u8>), &'static str> {
        if let Some((name, bytes)) = &self.file {
            return Ok((name.clone(), bytes.clone()));
        }
        let sheet = self.sheet.trim();
        if sheet.is_empty() {
            return Err("error-required");
        }
        let bytes = BASE64.decode(sheet.as_bytes()).map_err(|_| "import-error-file-unreadable")?;
        Ok((self.filename.trim().to_owned(), bytes))
    }

    /// The mapping chosen on the preview, or guessed from the headers on
    /// the first reading (or after a new file).
    fn mapping(&self, sheet: &Sheet) -> Result<ColumnMapping, &'static str> {
        if self.columns.is_empty() || self.file.is_some() {
            return Ok(ColumnMapping::guess(&sheet.headers));
        }
        let mut columns = Vec::with_capacity(sheet.headers.len());
        for index in 0..sheet.headers.len() {
            columns.push(match self.columns.get(&index).map_or("", |v| v.trim()) {
                "" => None,
                code => Some(ImportField::parse(code).ok_or("error-choose")?),
            });
        }
        Ok(ColumnMapping { columns })
    }

    /// The decisions about the rows with candidates.
    fn decisions(&self) -> Decisions {
        self.decisions
            .iter()
            .filter_map(|(line, value)| match value.trim() {
                "new" => Some((*line, RowDecision::New)),
                id => id.parse::<BeneficiaryId>().ok().map(|id| (*line, RowDecision::Existing(id))),
            })
            .collect()
    }
}

/// A message in the reader's language.
fn text(lang: Language, key: &str, args: &[(&str, String)]) -> String {
    Catalog::embedded().text(lang, key, args)
}

/// "Line 3, column “Birth year”: …".
fn at(lang: Language, line: u32, field: &str, message: &str) -> String {
    let column = text(lang, &format!("import-field-{field}"), &[]);
    text(
        lang,
        "import-error-at",
        &[("line", line.to_string()), ("column", column), ("message", text(lang, message, &[]))],
    )
}

fn all_fields() -> Vec<&'static str> {
    ImportField::ALL.iter().map(ImportField::as_str).collect()
}

/// The page without a preview: the upload form.
async fn upload_page(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: EventId,
    errors: FieldErrors,
    message: Option<&'static str>,
    status: StatusCode,
) -> WebResult<Response> {
    let view = outreach::event_page(&app.core, &ctx.actor(visitor), id).await?;
    let page = ImportPage {
        event: EventHead { id, title: view.event.title },
        fields: all_fields(),
        errors,
        message,
        preview: None,
    };
    Ok((status, render_page(app, visitor, "events/import.html", &page)?).into_response())
}

/// What a preview page is built from.
struct Shown<'a> {
    filename: String,
    bytes: &'a [u8],
    sheet: &'a Sheet,
    mapping: &'a ColumnMapping,
    form: &'a ImportForm,
}

/// The preview page: the columns, and the rows if the mapping holds; the
/// problems a confirmation found (`refused`) are added to their rows and
/// listed in the report.
async fn preview_page(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: EventId,
    shown: Shown<'_>,
    mut errors: FieldErrors,
    refused: Option<&FieldErrors>,
) -> WebResult<Response> {
    let lang = visitor.lang;
    let actor = ctx.actor(visitor);
    let view = outreach::event_page(&app.core, &actor, id).await?;
    let preview = if errors.get("mapping").is_some() {
        None
    } else {
        match outreach::preview_import(&app.core, &actor, id, shown.sheet.clone(), shown.mapping.clone())
            .await
            .map_err(WebError::from)
        {
            Ok(preview) => Some(preview),
            Err(WebError::Invalid(more)) => {
                for (field, message) in more.iter() {
                    errors.add(field, message);
                }
                None
            }
            Err(WebError::Conflict(conflict)) => match conflict_message(&conflict) {
                Some(key) => {
                    return upload_page(app, visitor, ctx, id, errors, Some(key), StatusCode::CONFLICT).await;
                }
                None => return Err(WebError::Conflict(conflict)),
            },
            Err(other) => return Err(other),
        }
    };
    let columns = shown
        .sheet
        .headers
        .iter()
        .enumerate()
        .map(|(index, header)| ColumnChoice {
            index,
            header: header.clone(),
            field: shown.mapping.columns.get(index).copied().flatten().map(|f| f.as_str()),
        })
        .collect();
    // The commit's problems by line (cell keys), and the report.
    let mut by_line: BTreeMap<u32, Vec<(String, &'static str)>> = BTreeMap::new();
    let mut report = Vec::new();
    for (key, message) in refused.map(|r| r.iter().collect::<Vec<_>>()).unwrap_or_default() {
        match split_cell_key(key) {
            Some((line, field)) => {
                by_line.entry(line).or_default().push((field.to_owned(), message));
                report.push((line, at(lang, line, field, message)));
            }
            None => errors.add(key, message),
        }
    }
    report.sort_by_key(|(line, _)| *line);
    let (rows, total, with_errors, with_candidates, shown_fields) = match preview {
        Some(Preview { rows, with_errors, with_candidates }) => {
            let total = rows.len();
            let shown_fields =
                rows.first().map(|r| r.values.iter().map(|(f, _)| f.as_str()).collect()).unwrap_or_default();
            let rows = rows
                .into_iter()
                .map(|row| {
                    let mut problems: Vec<String> =
                        row.errors.iter().map(|e| at(lang, row.line, e.field.as_str(), e.message)).collect();
                    for (field, message) in by_line.get(&row.line).into_iter().flatten() {
                        let problem = at(lang, row.line, field, message);
                        if !problems.contains(&problem) {
                            problems.push(problem);
                        }
                    }
                    let candidates = row
                        .candidates
                        .into_iter()
                        .map(|c| CandidateChoice {
                            id: c.id,
                            label: text(
                                lang,
                                "import-decision-existing",
                                &[
                                    ("name", format!("{} {}", c.given_names, c.family_names)),
                                    ("year", c.birth_year.map_or_else(|| "?".to_owned(), |y| y.to_string())),
                                ],
                            ),
                            city: c.city,
                        })
                        .collect();
                    RowView {
                        line: row.line,
                        values: row.values.into_iter().map(|(_, v)| v).collect(),
                        problems,
                        candidates,
                        decision: shown.form.decisions.get(&row.line).cloned().unwrap_or_default(),
                        same_as_line: row.same_as_line,
                    }
                })
                .collect();
            (rows, total, with_errors, with_candidates, shown_fields)
        }
        None => (Vec::new(), shown.sheet.rows.len(), 0, 0, Vec::new()),
    };
    let can_confirm = !rows.is_empty() && with_errors == 0 && view.open_for_attendance;
    let status = if refused.is_some() || !errors.is_empty() { INVALID } else { StatusCode::OK };
    let page = ImportPage {
        event: EventHead { id, title: view.event.title },
        fields: all_fields(),
        errors,
        message: None,
        preview: Some(PreviewView {
            filename: shown.filename,
            sheet: BASE64.encode(shown.bytes),
            columns,
            shown: shown_fields,
            rows,
            total,
            with_errors,
            with_candidates,
            report: report.into_iter().map(|(_, r)| r).collect(),
            can_confirm,
        }),
    };
    Ok((status, render_page(app, visitor, "events/import.html", &page)?).into_response())
}

/// GET /events/{id}/import — the upload form.
pub(crate) async fn upload_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
) -> WebResult<Response> {
    upload_page(&app, &visitor, &ctx, id, FieldErrors::new(), None, StatusCode::OK).await
}

/// Reads the form and its file: the form and the sheet, or the upload page
/// again with the problem on `file` (422).
async fn read_upload(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: EventId,
    multipart: Result<Multipart, MultipartRejection>,
) -> WebResult<Result<(ImportForm, String, Vec<u8>, Sheet), Response>> {
    // The event first: an event that is not found is a 404 whatever was sent.
    outreach::event_page(&app.core, &ctx.actor(visitor), id).await?;
    let read = match multipart {
        Ok(multipart) => ImportForm::read(multipart).await,
        Err(_) => Err("error-required"),
    };
    let refused = |key: &'static str| async move {
        let mut errors = FieldErrors::new();
        errors.add("file", key);
        upload_page(app, visitor, ctx, id, errors, None, INVALID).await
    };
    let form = match read {
        Ok(form) => form,
        Err(key) => return Ok(Err(refused(key).await?)),
    };
    let (filename, bytes) = match form.file() {
        Ok(file) => file,
        Err(key) => return Ok(Err(refused(key).await?)),
    };
    match parse_sheet(&bytes, &filename).map_err(WebError::from) {
        Ok(sheet) => Ok(Ok((form, filename, bytes, sheet))),
        Err(WebError::Invalid(errors)) => Ok(Err(upload_page(app, visitor, ctx, id, errors, None, INVALID).await?)),
        Err(other) => Err(other),
    }
}

/// POST /events/{id}/import — reads the file (or the one the preview
/// carried, with the columns chosen) and shows the preview; nothing is
/// written.
pub(crate) async fn preview(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let (form, filename, bytes, sheet) = match read_upload(&app, &visitor, &ctx, id, multipart).await? {
        Ok(read) => read,
        Err(page) => return Ok(page),
    };
    let mut errors = FieldErrors::new();
    let mapping = form.mapping(&sheet).unwrap_or_else(|key| {
        errors.add("mapping", key);
        ColumnMapping::guess(&sheet.headers)
    });
    let shown = Shown { filename, bytes: &bytes, sheet: &sheet, mapping: &mapping, form: &form };
    preview_page(&app, &visitor, &ctx, id, shown, errors, None).await
}

/// POST /events/{id}/import/confirm — imports the sheet with the columns
/// and decisions chosen, all or nothing: back to the event with a message,
/// or the preview again with every problem named by line and column (422).
pub(crate) async fn confirm(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    let (form, filename, bytes, sheet) = match read_upload(&app, &visitor, &ctx, id, multipart).await? {
        Ok(read) => read,
        Err(page) => return Ok(page),
    };
    let mapping = match form.mapping(&sheet) {
        Ok(mapping) => mapping,
        Err(key) => {
            let mut errors = FieldErrors::new();
            errors.add("mapping", key);
            let shown = Shown {
                filename,
                bytes: &bytes,
                sheet: &sheet,
                mapping: &ColumnMapping::guess(&sheet.headers),
                form: &form,
            };
            return preview_page(&app, &visitor, &ctx, id, shown, errors, None).await;
        }
    };
    let imported =
        outreach::commit_import(&app.core, &ctx.actor(&visitor), id, sheet.clone(), mapping.clone(), form.decisions())
            .await
            .map_err(WebError::from);
    match imported {
        Ok(_) => Ok(redirect_with_flash(&app, &format!("/events/{id}#attendance"), "import-done")),
        Err(WebError::Invalid(refused)) => {
            let shown = Shown { filename, bytes: &bytes, sheet: &sheet, mapping: &mapping, form: &form };
            preview_page(&app, &visitor, &ctx, id, shown, FieldErrors::new(), Some(&refused)).await
        }
        Err(WebError::Conflict(conflict)) => match conflict_message(&conflict) {
            Some(key) => {
                upload_page(&app, &visitor, &ctx, id, FieldErrors::new(), Some(key), StatusCode::CONFLICT).await
            }
            None => Err(WebError::Conflict(conflict)),
        },
        Err(other) => Err(other),
    }
}
