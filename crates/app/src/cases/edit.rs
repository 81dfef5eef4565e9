//! A case's description (pathway, referral source, goals), behind an
//! optimistic version check, and its status, through the state machine.

use relais_domain::case_file::{self, CaseStatus, CloseReason, Pathway, TransitionError};
use relais_domain::{AuditAction, CaseId, Conflict, Permission};
use relais_persistence::models::cases::{self, CaseChanges};
use serde_json::json;

use super::{optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// A new description of a case, as asked for, based on the version read.
#[derive(Debug, Clone)]
pub struct CaseEdit {
    /// The pathway (`pathway`); `None` when the caller could not read one.
    pub pathway: Option<Pathway>,
    /// Who sent the person (`referral_source`, optional).
    pub referral_source: String,
    /// Goals (`goals`, optional).
    pub goals: String,
    /// The version of the case the edit is based on.
    pub version: i32,
}

impl CaseEdit {
    /// The problems of the input, by field (what [`update_case`] refuses).
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.pathway.is_none() {
            errors.add("pathway", "error-choose");
        }
        text(&mut errors, "referral_source", &self.referral_source, case_file::REFERRAL_SOURCE_MAX, false);
        text(&mut errors, "goals", &self.goals, case_file::GOALS_MAX, false);
        errors
    }
}

/// Changes the description of a case of the actor's tenant if it is still
/// at the version the edit is based on ([`Conflict::StaleVersion`]
/// otherwise, and nothing is overwritten). Audits `case.updated` with the
/// names of the changed fields (never their values); returns those names.
pub async fn update_case(app: &App, actor: &Actor, case: CaseId, edit: CaseEdit) -> AppResult<Vec<&'static str>> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        edit.check().into_result()?;
        let pathway = edit.pathway.ok_or_else(|| AppError::Internal("checked edit without a pathway".into()))?;
        let changes = CaseChanges {
            pathway,
            referral_source: optional(edit.referral_source.trim().to_owned()),
            goals: optional(edit.goals.trim().to_owned()),
        };
        let at = tx.at();
        let (before, after) = cases::update(tx.conn(), &scope, case, edit.version, &changes, by, at)?;
        let changed = cases::changed_fields(&before, &after);
        tx.audit(Some(&scope), AuditAction::CaseUpdated, case, json!({ "changed": changed }))?;
        Ok(changed)
    })
    .await
}

/// A status change that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// The status before.
    pub from: CaseStatus,
    /// The status now.
    pub to: CaseStatus,
    /// Why it was closed, when closed.
    pub reason: Option<CloseReason>,
}

/// Moves a case of the actor's tenant to another status as the state
/// machine allows ([`relais_domain::case_file::transition`]): a move it
/// refuses is [`Conflict::CaseTransition`]; closing without a reason is a
/// field error on `closed_reason`; reopening clears the reason. Audits
/// `case.status_changed` with the codes.
pub async fn change_status(
    app: &App,
    actor: &Actor,
    case: CaseId,
    to: CaseStatus,
    reason: Option<CloseReason>,
) -> AppResult<StatusChange> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let before = cases::find(tx.conn(), &scope, case)?;
        let done = case_file::transition(before.status, to, reason).map_err(|err| match err {
            TransitionError::NotAllowed { from, to } => AppError::Conflict(Conflict::CaseTransition { from, to }),
            TransitionError::ReasonRequired => FieldErrors::one("closed_reason", "case-error-reason-required"),
        })?;
        let at = tx.at();
        let after = cases::change_status(tx.conn(), &scope, &before, done, by, at)?;
        let change = StatusChange { from: before.status, to: after.status, reason: after.closed_reason };
        tx.audit(
            Some(&scope),
            AuditAction::CaseStatusChanged,
            case,
            json!({ "from": change.from, "to": change.to, "reason": change.reason }),
        )?;
        Ok(change)
    })
    .await
}
