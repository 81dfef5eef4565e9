//! `tasks`: things to do in a case, with a due date, an assignee and a done
//! state. Tenant-owned.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::{CaseId, TaskId, UserId};

use super::case_events::{self, NewEvent};
use super::cases::{self, CaseError};
use crate::schema::{cases as cases_table, tasks, users};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(tasks.id, tasks.case_id, tasks.assignee_id);

/// A task with its assignee's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Task {
    /// Id.
    #[diesel(deserialize_as = Stored<TaskId, tasks::id>)]
    pub id: TaskId,
    /// The case.
    #[diesel(deserialize_as = Stored<CaseId, tasks::case_id>)]
    pub case_id: CaseId,
    /// What to do.
    pub title: String,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// Who does it.
    #[diesel(deserialize_as = StoredOpt<UserId, tasks::assignee_id>)]
    pub assignee_id: Option<UserId>,
    /// The assignee's display name.
    pub assignee_name: Option<String>,
    /// When it was done.
    pub done_at: Option<NaiveDateTime>,
}

/// What is needed to add a task (checked by the caller).
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    /// What to do.
    pub title: &'a str,
    /// When it is due.
    pub due_on: Option<NaiveDate>,
    /// Who does it: an active caseworker or administrator of the tenant.
    pub assignee_id: Option<UserId>,
}

/// Adds a task to a case of the tenant, created at `at`
/// ([`CaseError::NotAssignable`] when the assignee is not an active
/// caseworker or administrator) and appends `task_added` to the timeline.
/// Returns the task's id.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    new: &NewTask<'_>,
    by: UserId,
    at: NaiveDateTime,
) -> Result<TaskId, CaseError> {
    cases::find(conn, scope, case_id)?;
    if let Some(assignee) = new.assignee_id
        && !cases::is_worker(conn, scope, assignee)?
    {
        return Err(CaseError::NotAssignable);
    }
    let id = TaskId::new();
    diesel::insert_into(tasks::table)
        .values((
            tasks::tenant_id.eq(scope.key()),
            tasks::id.eq(id.to_string()),
            tasks::case_id.eq(case_id.to_string()),
            tasks::title.eq(new.title),
            tasks::due_on.eq(new.due_on),
            tasks::assignee_id.eq(new.assignee_id.map(|a| a.to_string())),
            tasks::created_by.eq(by.to_string()),
            tasks::created_at.eq(at),
        ))
        .execute(conn)?;
    case_events::append(conn, scope, case_id, &NewEvent::TaskAdded { task_id: id }, Some(by), at)?;
    cases::touch(conn, scope, case_id, at)?;
    Ok(id)
}

/// One task of a case of the tenant (`NotFound` otherwise).
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    task_id: TaskId,
) -> Result<Task, PersistenceError> {
    Ok(tasks::table
        .left_join(users::table.on(users::id.nullable().eq(tasks::assignee_id)))
        .filter(tasks::tenant_id.eq(scope.key()))
        .filter(tasks::case_id.eq(case_id.to_string()))
        .filter(tasks::id.eq(task_id.to_string()))
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

/// Marks a task done (at `at`) or not done; returns the task after the
/// change, and whether it changed (no event when nothing changes).
/// Appends `task_done` or `task_reopened`.
pub fn set_done(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    task_id: TaskId,
    done: bool,
    by: UserId,
    at: NaiveDateTime,
) -> Result<(Task, bool), PersistenceError> {
    let before = find(conn, scope, case_id, task_id)?;
    if before.done_at.is_some() == done {
        return Ok((before, false));
    }
    diesel::update(tasks::table.filter(tasks::tenant_id.eq(scope.key())).filter(tasks::id.eq(task_id.to_string())))
        .set(tasks::done_at.eq(done.then_some(at)))
        .execute(conn)?;
    let event = if done { NewEvent::TaskDone { task_id } } else { NewEvent::TaskReopened { task_id } };
    case_events::append(conn, scope, case_id, &event, Some(by), at)?;
    cases::touch(conn, scope, case_id, at)?;
    Ok((find(conn, scope, case_id, task_id)?, true))
}

/// The order of tasks: open ones first, then by due date (undated last), then by title.
fn due_order(task: &Task) -> (bool, bool, Option<NaiveDate>, &str) {
    (task.done_at.is_some(), task.due_on.is_none(), task.due_on, task.title.as_str())
}

/// The tasks of a case: open ones first, by due date.
pub fn list_for_case(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
) -> Result<Vec<Task>, PersistenceError> {
    let mut rows: Vec<Task> = tasks::table
        .left_join(users::table.on(users::id.nullable().eq(tasks::assignee_id)))
        .filter(tasks::tenant_id.eq(scope.key()))
        .filter(tasks::case_id.eq(case_id.to_string()))
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
    rows.sort_by(|a, b| due_order(a).cmp(&due_order(b)));
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
    user_id: UserId,
    today: NaiveDate,
) -> Result<Vec<MyTask>, PersistenceError> {
    let mut rows: Vec<(Task, String)> = tasks::table
        .inner_join(
            cases_table::table.on(cases_table::tenant_id.eq(tasks::tenant_id).and(cases_table::id.eq(tasks::case_id))),
        )
        .left_join(users::table.on(users::id.nullable().eq(tasks::assignee_id)))
        .filter(tasks::tenant_id.eq(scope.key()))
        .filter(tasks::assignee_id.eq(user_id.to_string()))
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
    rows.sort_by(|(a, _), (b, _)| due_order(a).cmp(&due_order(b)));
    Ok(rows
        .into_iter()
        .map(|(task, case_reference)| MyTask {
            overdue: task.due_on.is_some_and(|due| due < today),
            case_reference,
            task,
        })
        .collect())
}
