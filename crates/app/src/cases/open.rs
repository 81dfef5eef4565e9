//! Opening a case for a person of the tenant, with its first caseworkers.

use chrono::NaiveDate;
use relais_domain::case_file::{self, Pathway};
use relais_domain::{AuditAction, BeneficiaryId, CaseId, Permission, UserId};
use relais_persistence::models::cases::{self, PersonName, Worker};
use serde_json::json;

use super::{not_assignable_on, optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// A new case, as asked for. A code or a date the caller could not read is
/// `None` (and reported as not chosen / required).
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The person (a person of the actor's tenant, not erased).
    pub person: BeneficiaryId,
    /// The pathway (`pathway`).
    pub pathway: Option<Pathway>,
    /// The intake date (`intake_date`), not in the future.
    pub intake_date: Option<NaiveDate>,
    /// Who sent the person (`referral_source`, optional).
    pub referral_source: String,
    /// Goals (`goals`, optional).
    pub goals: String,
    /// Caseworkers to assign at once (`assignees`): active caseworkers or
    /// administrators of the tenant.
    pub assignees: Vec<UserId>,
}

impl NewCase {
    /// The problems of the input, by field (what [`open_case`] refuses),
    /// `today` being the date of the change.
    pub fn check(&self, today: NaiveDate) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.pathway.is_none() {
            errors.add("pathway", "error-choose");
        }
        match self.intake_date {
            None => errors.add("intake_date", "error-required"),
            Some(date) if date > today => errors.add("intake_date", "case-error-future-date"),
            Some(_) => {}
        }
        text(&mut errors, "referral_source", &self.referral_source, case_file::REFERRAL_SOURCE_MAX, false);
        text(&mut errors, "goals", &self.goals, case_file::GOALS_MAX, false);
        errors
    }
}

/// Opens a case for a person of the actor's tenant (status open, the next
/// reference of the year) and assigns the chosen caseworkers, in one
/// transaction: `case.created` and one `case.assigned` per assignment are
/// audited. A person who is not in the tenant (or was erased) is
/// `NotFound`; someone who may not be assigned is a field error on
/// `assignees`, and nothing is written.
pub async fn open_case(app: &App, actor: &Actor, new: NewCase) -> AppResult<CaseId> {
    let member = actor.as_member()?;
    member.require(Permission::CaseCreate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        new.check(tx.today()).into_result()?;
        let (Some(pathway), Some(intake_date)) = (new.pathway, new.intake_date) else {
            return Err(AppError::Internal("checked input without a pathway or date".into()));
        };
        let (referral_source, goals) =
            (optional(new.referral_source.trim().to_owned()), optional(new.goals.trim().to_owned()));
        let at = tx.at();
        let case = cases::create(
            tx.conn(),
            &scope,
            &cases::NewCase {
                beneficiary_id: new.person,
                pathway,
                intake_date,
                referral_source: referral_source.as_deref(),
                goals: goals.as_deref(),
                created_by: by,
            },
            at,
        )?;
        tx.audit(
            Some(&scope),
            AuditAction::CaseCreated,
            case.id,
            json!({ "beneficiary_id": new.person, "pathway": pathway }),
        )?;
        for user_id in new.assignees {
            if cases::assign(tx.conn(), &scope, case.id, user_id, by, at).map_err(not_assignable_on("assignees"))? {
                tx.audit(Some(&scope), AuditAction::CaseAssigned, case.id, json!({ "user_id": user_id }))?;
            }
        }
        Ok(case.id)
    })
    .await
}

/// What the new-case form shows: the person, and who may be assigned.
#[derive(Debug, Clone)]
pub struct NewCaseForm {
    /// The person's names.
    pub person: PersonName,
    /// The tenant's active caseworkers and administrators, by name.
    pub workers: Vec<Worker>,
}

/// Reads what the new-case form for a person of the actor's tenant shows
/// (`NotFound` for a person of another tenant, or erased).
pub async fn new_case_form(app: &App, actor: &Actor, person: BeneficiaryId) -> AppResult<NewCaseForm> {
    let member = actor.as_member()?;
    member.require(Permission::CaseCreate)?;
    let scope = member.scope;
    app.read(move |conn| {
        if !cases::beneficiary_exists(conn, &scope, person)? {
            return Err(AppError::NotFound);
        }
        Ok(NewCaseForm { person: cases::person_name(conn, &scope, person)?, workers: cases::workers(conn, &scope)? })
    })
    .await
}
