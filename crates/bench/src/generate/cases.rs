//! A person's case files: the case (pathway, status, reference unique per
//! tenant and year), its assigned caseworkers, some notes and tasks, and its
//! timeline events (opened, assigned, notes, tasks, status changes).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;
use relais_domain::case_file::{CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway, case_reference};
use serde_json::json;

use super::data::{CONFIDENTIAL_NOTES, GOALS, NOTES, SOURCES, TASKS};
use super::network::TenantPlan;
use super::rows::{AssignmentRow, CaseEventRow, CaseRow, NoteRow, TaskRow};
use super::util::{between, later, one, reference_time, uuid_at, uuid7, weighted, word};

/// The rows of the cases being generated, flushed with their people.
#[derive(Default)]
pub(crate) struct CaseRows {
    pub(crate) cases: Vec<CaseRow>,
    pub(crate) assignments: Vec<AssignmentRow>,
    pub(crate) notes: Vec<NoteRow>,
    pub(crate) tasks: Vec<TaskRow>,
    pub(crate) events: Vec<CaseEventRow>,
}

/// The next reference number of each year, for one tenant.
#[derive(Default)]
pub(crate) struct Numbering(BTreeMap<i32, u32>);

impl Numbering {
    fn next(&mut self, year: i32) -> String {
        let n = self.0.entry(year).or_insert(0);
        *n += 1;
        case_reference(year, *n)
    }
}

/// A generated case, as the rest of the generation needs it.
#[derive(Debug, Clone)]
pub(crate) struct CaseOut {
    pub(crate) id: uuid::Uuid,
    pub(crate) created: NaiveDateTime,
    /// Whether the tenant's printed caseworker is assigned to it.
    pub(crate) assigned_to_login: bool,
}

fn status_for(rng: &mut StdRng, created: NaiveDateTime, earlier_of_two: bool) -> CaseStatus {
    if earlier_of_two {
        return CaseStatus::Closed;
    }
    let age = (reference_time() - created).num_days();
    let closed = if age < 60 { 3 } else { 40 };
    weighted(rng, &[(CaseStatus::Open, 55), (CaseStatus::OnHold, 10), (CaseStatus::Closed, closed)])
}

/// Generates `count` cases (1 or 2) for a person registered at `registered`;
/// `events[k]` is how many timeline events case `k` gets.
pub(crate) fn cases_for(
    rng: &mut StdRng,
    t: &TenantPlan,
    person: &str,
    registered: NaiveDateTime,
    events: &[u32],
    numbering: &mut Numbering,
    out: &mut CaseRows,
) -> Vec<CaseOut> {
    let end = reference_time() - Duration::seconds(1);
    let first = later(rng, registered, 5, 3 * 24 * 60);
    let mut created_times = vec![first];
    if events.len() > 1 {
        let from = (first + Duration::days(60)).min(end);
        created_times.push(between(rng, from, end));
    }
    let login = t.staff.login_caseworker();
    let mut made = Vec::new();
    for (k, created) in created_times.into_iter().enumerate() {
        let status = status_for(rng, created, k + 1 < events.len());
        let reason = (status == CaseStatus::Closed).then(|| {
            weighted(
                rng,
                &[
                    (CloseReason::GoalReached, 45),
                    (CloseReason::ReferredElsewhere, 15),
                    (CloseReason::NoLongerReachable, 20),
                    (CloseReason::MovedAway, 10),
                    (CloseReason::DeclinedSupport, 5),
                    (CloseReason::Other, 5),
                ],
            )
        });
        let span = (end - created).num_microseconds().unwrap_or(0).max(1) as f64;
        let share: f64 = if status == CaseStatus::Open { rng.random::<f64>().sqrt() } else { rng.random() };
        let updated = (created + Duration::microseconds((span * share) as i64)).min(end);
        let pathway = weighted(
            rng,
            &[
                (Pathway::AutoEntrepreneur, 45),
                (Pathway::Employment, 20),
                (Pathway::Training, 15),
                (Pathway::GroupEnterprise, 10),
                (Pathway::InformationOnly, 10),
            ],
        );
        let id = uuid7(rng, created);
        let key = id.hyphenated().to_string();
        let worker = one(rng, &t.staff.workers).clone();
        let mut assignees = vec![worker.clone()];
        if rng.random_bool(0.08) {
            let second = one(rng, &t.staff.workers).clone();
            if second != worker {
                assignees.push(second);
            }
        }
        out.cases.push(CaseRow {
            tenant_id: t.id.clone(),
            id: key.clone(),
            beneficiary_id: person.to_owned(),
            reference: numbering.next(created.year()),
            pathway: pathway.as_str(),
            status: status.as_str(),
            closed_reason: reason.map(|r| r.as_str()),
            intake_date: created.date(),
            referral_source: rng.random_bool(0.7).then(|| *one(rng, SOURCES)),
            goals: rng.random_bool(0.8).then(|| *one(rng, GOALS)),
            created_by: Some(worker.clone()),
            created_at: created,
            updated_at: updated,
            version: if updated > created { rng.random_range(2..7) } else { 1 },
        });
        for user in &assignees {
            out.assignments.push(AssignmentRow {
                tenant_id: t.id.clone(),
                case_id: key.clone(),
                user_id: user.clone(),
            });
        }
        let case = Case { tenant: &t.id, id: &key, worker: &worker, created, updated, status };
        case.notes(rng, out);
        case.tasks(rng, out);
        case.timeline(rng, events[k] as usize, pathway, reason, out);
        made.push(CaseOut { id, created, assigned_to_login: login.is_some_and(|l| assignees.iter().any(|a| a == l)) });
    }
    made
}

struct Case<'a> {
    tenant: &'a str,
    id: &'a str,
    worker: &'a str,
    created: NaiveDateTime,
    updated: NaiveDateTime,
    status: CaseStatus,
}

impl Case<'_> {
    fn notes(&self, rng: &mut StdRng, out: &mut CaseRows) {
        if !rng.random_bool(0.3) {
            return;
        }
        for _ in 0..rng.random_range(1..3) {
            let confidential = rng.random_bool(0.12);
            let at = between(rng, self.created, self.updated);
            out.notes.push(NoteRow {
                tenant_id: self.tenant.to_owned(),
                id: uuid_at(rng, at),
                case_id: self.id.to_owned(),
                author_id: Some(self.worker.to_owned()),
                visibility: if confidential { NoteVisibility::Confidential } else { NoteVisibility::Normal }.as_str(),
                body: word(rng, if confidential { CONFIDENTIAL_NOTES } else { NOTES }),
                created_at: at,
            });
        }
    }

    fn tasks(&self, rng: &mut StdRng, out: &mut CaseRows) {
        let today = reference_time().date();
        let (share, count) = if self.status == CaseStatus::Closed { (0.15, 1) } else { (0.35, rng.random_range(1..3)) };
        if !rng.random_bool(share) {
            return;
        }
        for _ in 0..count {
            let at = between(rng, self.created, self.updated);
            let due = at.date() + Duration::days(rng.random_range(7..45));
            let done = self.status == CaseStatus::Closed || (due < today && rng.random_bool(0.6));
            let done_at = done.then(|| between(rng, at, self.updated.max(at)));
            out.tasks.push(TaskRow {
                tenant_id: self.tenant.to_owned(),
                id: uuid_at(rng, at),
                case_id: self.id.to_owned(),
                title: word(rng, TASKS),
                due_on: Some(due),
                assignee_id: Some(self.worker.to_owned()),
                done_at,
                created_by: Some(self.worker.to_owned()),
                created_at: at,
            });
        }
    }

    fn event(
        &self,
        rng: &mut StdRng,
        kind: CaseEventKind,
        details: serde_json::Value,
        at: NaiveDateTime,
    ) -> CaseEventRow {
        CaseEventRow {
            tenant_id: self.tenant.to_owned(),
            id: uuid_at(rng, at),
            case_id: self.id.to_owned(),
            kind: kind.as_str(),
            details: details.to_string(),
            actor_id: Some(self.worker.to_owned()),
            occurred_at: at,
        }
    }

    /// `count` events: opened, assigned, then notes, tasks and edits, and
    /// the status change that left the case where it is.
    fn timeline(
        &self,
        rng: &mut StdRng,
        count: usize,
        pathway: Pathway,
        reason: Option<CloseReason>,
        out: &mut CaseRows,
    ) {
        if count == 0 {
            return;
        }
        let mut events =
            vec![self.event(rng, CaseEventKind::Opened, json!({ "pathway": pathway.as_str() }), self.created)];
        if count > 1 {
            let at = (self.created + Duration::seconds(rng.random_range(1..600))).min(self.updated.max(self.created));
            events.push(self.event(rng, CaseEventKind::Assigned, json!({ "user_id": self.worker }), at));
        }
        let closing = self.status != CaseStatus::Open && count > 2;
        let fillers = count.saturating_sub(2 + usize::from(closing));
        let mut times: Vec<NaiveDateTime> = (0..fillers).map(|_| between(rng, self.created, self.updated)).collect();
        times.sort_unstable();
        for at in times {
            let kind = weighted(
                rng,
                &[
                    (CaseEventKind::NoteAdded, 40),
                    (CaseEventKind::TaskAdded, 20),
                    (CaseEventKind::TaskDone, 15),
                    (CaseEventKind::Updated, 15),
                    (CaseEventKind::Assigned, 5),
                    (CaseEventKind::TaskReopened, 5),
                ],
            );
            let details = match kind {
                CaseEventKind::NoteAdded => {
                    json!({ "visibility": if rng.random_bool(0.12) { "confidential" } else { "normal" } })
                }
                CaseEventKind::Updated => json!({ "changed": [*one(rng, &["goals", "pathway", "referral_source"])] }),
                CaseEventKind::Assigned => json!({ "user_id": self.worker }),
                _ => json!({ "task_id": uuid_at(rng, at) }),
            };
            events.push(self.event(rng, kind, details, at));
        }
        if closing {
            let to = self.status.as_str();
            let details = json!({ "from": "open", "to": to, "reason": reason.map(|r| r.as_str()) });
            events.push(self.event(rng, CaseEventKind::StatusChanged, details, self.updated));
        }
        out.events.extend(events);
    }
}
