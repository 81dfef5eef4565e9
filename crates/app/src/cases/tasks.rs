//! Tasks of a case: adding one (title, due date, assignee), and marking it
//! done or not done.

use chrono::NaiveDate;
use relais_domain::case_file;
use relais_domain::{AuditAction, CaseId, Permission, TaskId, UserId};
use relais_persistence::models::tasks;
use serde_json::json;

use super::{not_assignable_on, text};
use crate::error::{AppResult, FieldErrors};
use crate::{Actor, App};

/// A task, as asked for.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// What to do (`title`): required, at most [`case_file::TASK_TITLE_MAX`] characters.
    pub title: String,
    /// When it is due (`due_on`, optional).
    pub due_on: Option<NaiveDate>,
    /// Who does it (`assignee_id`, optional): an active caseworker or
    /// administrator of the tenant.
    pub assignee: Option<UserId>,
}

impl NewTask {
    /// The problems of the input, by field (what [`add_task`] refuses).
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        text(&mut errors, "title", &self.title, case_file::TASK_TITLE_MAX, true);
        errors
    }
}

/// Adds a task to a case of the actor's tenant (an assignee who may not be
/// given tasks is a field error on `assignee_id`). Audits `task.added` with
/// the task's and assignee's ids; returns the task's id.
pub async fn add_task(app: &App, actor: &Actor, case: CaseId, task: NewTask) -> AppResult<TaskId> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        task.check().into_result()?;
        let at = tx.at();
        let new = tasks::NewTask { title: task.title.trim(), due_on: task.due_on, assignee_id: task.assignee };
        let task_id = tasks::create(tx.conn(), &scope, case, &new, by, at).map_err(not_assignable_on("assignee_id"))?;
        tx.audit(
            Some(&scope),
            AuditAction::TaskAdded,
            case,
            json!({ "task_id": task_id, "assignee_id": task.assignee }),
        )?;
        Ok(task_id)
    })
    .await
}

/// Marks a task of a case of the actor's tenant done. Audits
/// `task.completed`; returns `false`, and writes nothing, when it already was.
pub async fn complete_task(app: &App, actor: &Actor, case: CaseId, task: TaskId) -> AppResult<bool> {
    set_done(app, actor, case, task, Some(true)).await
}

/// Marks a done task of a case of the actor's tenant not done again.
/// Audits `task.reopened`; returns `false`, and writes nothing, when it was not done.
pub async fn reopen_task(app: &App, actor: &Actor, case: CaseId, task: TaskId) -> AppResult<bool> {
    set_done(app, actor, case, task, Some(false)).await
}

/// Marks a task done if it is not, not done if it is (audited as
/// [`complete_task`] or [`reopen_task`]).
pub async fn toggle_task(app: &App, actor: &Actor, case: CaseId, task: TaskId) -> AppResult<bool> {
    set_done(app, actor, case, task, None).await
}

async fn set_done(app: &App, actor: &Actor, case: CaseId, task: TaskId, wanted: Option<bool>) -> AppResult<bool> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let at = tx.at();
        let done = match wanted {
            Some(done) => done,
            None => tasks::find(tx.conn(), &scope, case, task)?.done_at.is_none(),
        };
        let (_, changed) = tasks::set_done(tx.conn(), &scope, case, task, done, by, at)?;
        if changed {
            let action = if done { AuditAction::TaskCompleted } else { AuditAction::TaskReopened };
            tx.audit(Some(&scope), action, case, json!({ "task_id": task }))?;
        }
        Ok(changed)
    })
    .await
}
