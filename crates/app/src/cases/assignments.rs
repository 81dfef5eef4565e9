//! The caseworkers assigned to a case.

use relais_domain::{AuditAction, CaseId, Permission, UserId};
use relais_persistence::models::cases;
use serde_json::json;

use super::not_assignable_on;
use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// Assigns an active caseworker or administrator of the actor's tenant to
/// one of its cases (anyone else is a field error on `user_id`). Audits
/// `case.assigned`; returns `false`, and writes nothing, when the user
/// already was assigned.
pub async fn assign_caseworker(app: &App, actor: &Actor, case: CaseId, user: UserId) -> AppResult<bool> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let at = tx.at();
        let assigned = cases::assign(tx.conn(), &scope, case, user, by, at).map_err(not_assignable_on("user_id"))?;
        if assigned {
            tx.audit(Some(&scope), AuditAction::CaseAssigned, case, json!({ "user_id": user }))?;
        }
        Ok(assigned)
    })
    .await
}

/// Removes a caseworker from a case of the actor's tenant (`NotFound` when
/// they were not assigned). Audits `case.unassigned`.
pub async fn unassign_caseworker(app: &App, actor: &Actor, case: CaseId, user: UserId) -> AppResult<()> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let at = tx.at();
        if !cases::unassign(tx.conn(), &scope, case, user, by, at)? {
            return Err(AppError::NotFound);
        }
        tx.audit(Some(&scope), AuditAction::CaseUnassigned, case, json!({ "user_id": user }))?;
        Ok(())
    })
    .await
}
