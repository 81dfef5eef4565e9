//! `tasks`: things to do in a case, with a due date, an assignee and a done
//! state. Tenant-owned.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::case_file::CaseEventKind;
use serde_json::json;
use uuid::Uuid;

use super::case_events;
use super::cases::{self, CaseError};
use crate::schema::{cases as cases_table, tasks, users};
use crate::{DbConnection, PersistenceError, TenantScope, now};

/// A task with its assignee's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Task {
    /// Id (UUIDv7 text).
    pub id: String,
    /// The case.
    pub case_id: String,
    /// What to do.
    pub title: String,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// Who does it.
    pub assignee_id: Option<String>,
    /// The assignee's display name.
    pub assignee_name: Option<String>,
    /// When it was done.
    pub done_at: Option<NaiveDateTime>,
}

/// What is needed to add a task (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    /// What to do.
    pub title: &'a str,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// Who does it: an active caseworker or administrator of the tenant.
    pub assignee_id: Option<&'a str>,
}

/// Adds a task to a case of the tenant and appends `task_added` to the
/// timeline. Returns the task's id.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    new: &NewTask<'_>,
    actor: &str,
) -> Result<String, CaseError> {
    cases::find(conn, scope, case_id)?;
    if let Some(assignee) = new.assignee_id
        && !cases::is_worker(conn, scope, assignee)?
    {
        return Err(CaseError::NotAssignable);
    }
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(tasks::table)
        .values((
            tasks::tenant_id.eq(scope.key()),
            tasks::id.eq(&id),
            tasks::case_id.eq(case_id),
            tasks::title.eq(new.title),
            tasks::due_on.eq(new.due_on),
            tasks::assignee_id.eq(new.assignee_id),
            tasks::created_by.eq(actor),
            tasks::created_at.eq(now()),
        ))
        .execute(conn)?;
    case_events::append(conn, scope, case_id, CaseEventKind::TaskAdded, json!({ "task_id": id }), Some(actor))?;
    cases::touch(conn, scope, case_id)?;
    Ok(id)
}

/// One task of a case of the tenant (`NotFound` otherwise).
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    task_id: &str,
) -> Result<Task, PersistenceError> {
    Ok(tasks::table
        .left_join(users::table.on(users::id.nullable().eq(tasks::assignee_id)))
        .filter(tasks::tenant_id.eq(scope.key()))
        .filter(tasks::case_id.eq(case_id))
        .filter(tasks::id.eq(task_id))
        .select((
            tasks::id,
            tasks::case_id,
            tasks::title,
            tasks::due_on,
            tasks::assignee_id,
            users::display_name.nullable(),
            tasks::done_at,
        ))
        .first(conn)?)
}

/// Marks a task done or not done; returns the task after the change (no
/// event when nothing changes). Appends `task_done` or `task_reopened`.
pub fn set_done(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    task_id: &str,
    done: bool,
    actor: &str,
) -> Result<Task, PersistenceError> {
    let before = find(conn, scope, case_id, task_id)?;
    if before.done_at.is_some() == done {
        return Ok(before);
    }
    diesel::update(tasks::table.filter(tasks::tenant_id.eq(scope.key())).filter(tasks::id.eq(task_id)))
        .set(tasks::done_at.eq(done.then(now)))
        .execute(conn)?;
    let kind = if done { CaseEventKind::TaskDone } else { CaseEventKind::TaskReopened };
    case_events::append(conn, scope, case_id, kind, json!({ "task_id": task_id }), Some(actor))?;
    cases::touch(conn, scope, case_id)?;
    find(conn, scope, case_id, task_id)
}

/// Sorts open tasks first, then by due date (undated last), then by title.
fn by_due_date(tasks: &mut [Task]) {
    tasks.sort_by(|a, b| {
        (a.done_at.is_some(), a.due_on.is_none(), a.due_on, &a.title).cmp(&(
            b.done_at.is_some(),
            b.due_on.is_none(),
            b.due_on,
            &b.title,
        ))
    });
}

/// The tasks of a case: open ones first, by due date.
pub fn list_for_case(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
) -> Result<Vec<Task>, PersistenceError> {
    let mut rows: Vec<Task> = tasks::table
        .left_join(users::table.on(users::id.nullable().eq(tasks::assignee_id)))
        .filter(tasks::tenant_id.eq(scope.key()))
        .filter(tasks::case_id.eq(case_id))
        .select((
            tasks::id,
            tasks::case_id,
            tasks::title,
            tasks::due_on,
            tasks::assignee_id,
            users::display_name.nullable(),
            tasks::done_at,
        ))
        .load(conn)?;
    by_due_date(&mut rows);
    Ok(rows)
}

/// An open task of "my work", with its case's reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyTask {
    /// The task.
    pub task: Task,
    /// The case's reference.
    pub case_reference: String,
    /// Whether it is past its due date.
    pub overdue: bool,
}

/// Most open tasks shown on "my work".
const MY_TASKS_MAX: i64 = 500;

/// The open tasks assigned to a user in the tenant: overdue first, then by
/// due date (undated last).
pub fn my_open(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: &str,
    today: NaiveDate,
) -> Result<Vec<MyTask>, PersistenceError> {
    let rows: Vec<(Task, String)> = tasks::table
        .inner_join(
            cases_table::table.on(cases_table::tenant_id.eq(tasks::tenant_id).and(cases_table::id.eq(tasks::case_id))),
        )
        .left_join(users::table.on(users::id.nullable().eq(tasks::assignee_id)))
        .filter(tasks::tenant_id.eq(scope.key()))
        .filter(tasks::assignee_id.eq(user_id))
        .filter(tasks::done_at.is_null())
        .order((tasks::due_on.asc(), tasks::id.asc()))
        .limit(MY_TASKS_MAX)
        .select((
            (
                tasks::id,
                tasks::case_id,
                tasks::title,
                tasks::due_on,
                tasks::assignee_id,
                users::display_name.nullable(),
                tasks::done_at,
            ),
            cases_table::reference,
        ))
        .load(conn)?;
    let mut references = std::collections::HashMap::new();
    let mut tasks: Vec<Task> = rows
        .into_iter()
        .map(|(task, reference)| {
            references.insert(task.id.clone(), reference);
            task
        })
        .collect();
    by_due_date(&mut tasks);
    Ok(tasks
        .into_iter()
        .map(|task| MyTask {
            overdue: task.due_on.is_some_and(|due| due < today),
            case_reference: references.remove(&task.id).unwrap_or_default(),
            task,
        })
        .collect())
}
