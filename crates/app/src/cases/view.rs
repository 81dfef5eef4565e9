//! The case page's data: every view of a case is audited.

use std::collections::{BTreeSet, HashMap};

use relais_domain::{AuditAction, AuditTarget, CaseId, Permission, UserId};
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::models::case_events::{self, CaseEvent};
use relais_persistence::models::case_notes::{self, CaseNote};
use relais_persistence::models::cases::{self, Assignee, Case, PersonName, Worker};
use relais_persistence::models::tasks::{self, Task};
use serde_json::json;

use crate::error::AppResult;
use crate::{Actor, App};

/// Most timeline events read.
const TIMELINE_MAX: i64 = 200;
/// Most audit events read (for those who may read the audit trail).
const AUDIT_MAX: i64 = 50;

/// A case as its page shows it to one reader.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case.
    pub case: Case,
    /// The person's names.
    pub person: PersonName,
    /// Who is assigned, by name.
    pub assignees: Vec<Assignee>,
    /// Who may be assigned (the tenant's active caseworkers and administrators), by name.
    pub workers: Vec<Worker>,
    /// The notes this reader may read, newest first (the confidential ones
    /// they may not read are left out by the query).
    pub notes: Vec<CaseNote>,
    /// The tasks, open ones first, by due date.
    pub tasks: Vec<Task>,
    /// The timeline, newest first.
    pub events: Vec<CaseEvent>,
    /// The case's audit trail, newest first (this view included), when the
    /// reader may read the audit trail.
    pub trail: Option<Vec<AuditEvent>>,
    /// The names of the members the timeline and the trail mention.
    pub names: HashMap<UserId, String>,
}

/// Reads a case of the actor's tenant for its page and records the view
/// (`case.viewed`) in the same transaction. `NotFound` (and no audit row)
/// for a case of another tenant.
pub async fn view_case(app: &App, actor: &Actor, case: CaseId) -> AppResult<CaseView> {
    let member = actor.as_member()?;
    member.require(Permission::CaseRead)?;
    let (scope, reader_id, with_trail) = (member.scope, member.user_id, member.may(Permission::AuditRead));
    app.write(actor, move |tx| {
        let found = cases::find(tx.conn(), &scope, case)?;
        let person = cases::person_name(tx.conn(), &scope, found.beneficiary_id)?;
        tx.audit(Some(&scope), AuditAction::CaseViewed, case, json!({}))?;
        let conn = tx.conn();
        let reader = case_notes::reader(conn, &scope, reader_id)?;
        let events = case_events::list(conn, &scope, case, TIMELINE_MAX)?;
        let trail = if with_trail {
            Some(audit::list_for_target(conn, &scope, AuditTarget::Case, &case.to_string(), AUDIT_MAX)?)
        } else {
            None
        };
        let mentioned: BTreeSet<UserId> = events
            .iter()
            .filter_map(|e| e.details.user_id)
            .chain(trail.iter().flatten().filter_map(|e| e.actor_user_id))
            .collect();
        let mentioned: Vec<UserId> = mentioned.into_iter().collect();
        Ok(CaseView {
            assignees: cases::assignees(conn, &scope, case)?,
            workers: cases::workers(conn, &scope)?,
            notes: case_notes::list_for_reader(conn, &scope, case, &reader)?,
            tasks: tasks::list_for_case(conn, &scope, case)?,
            names: cases::member_names(conn, &scope, &mentioned)?,
            events,
            trail,
            person,
            case: found,
        })
    })
    .await
}
