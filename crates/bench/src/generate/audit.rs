//! The audit trail: views of people and cases (most of it), creations,
//! assignments, notes, tasks, consents and documents in each tenant, and
//! sign-ins at network level, in time order. Details hold ids and codes
//! only, as the application writes them.

use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::json;

use super::network::TenantPlan;
use super::rows::{AuditRow, Writer};
use super::tenant::Entry;
use super::util::{between, history_start, one, reference_time, stream, uuid_at, uuid_random, weighted};

/// Rows per transaction.
const CHUNK: usize = 20_000;

/// `n` times between `from` and the reference time, sorted.
fn times(rng: &mut StdRng, n: usize, from: NaiveDateTime) -> Vec<NaiveDateTime> {
    let to = reference_time() - Duration::seconds(1);
    let mut times: Vec<NaiveDateTime> = (0..n).map(|_| between(rng, from, to)).collect();
    times.sort_unstable();
    times
}

fn write(w: &mut Writer<'_>, rows: Vec<AuditRow>) -> anyhow::Result<()> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut chunk: Vec<AuditRow> = rows.by_ref().take(CHUNK).collect();
        w.commit(|load| Ok(load.put(&mut chunk)?))?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Action {
    PersonViewed,
    CaseViewed,
    PersonCreated,
    CaseCreated,
    CaseAssigned,
    NoteAdded,
    TaskAdded,
    StatusChanged,
    ConsentRecorded,
    DocumentAdded,
}

const ACTIONS: &[(Action, u32)] = &[
    (Action::PersonViewed, 40),
    (Action::CaseViewed, 30),
    (Action::PersonCreated, 5),
    (Action::CaseCreated, 4),
    (Action::CaseAssigned, 4),
    (Action::NoteAdded, 6),
    (Action::TaskAdded, 3),
    (Action::StatusChanged, 3),
    (Action::ConsentRecorded, 3),
    (Action::DocumentAdded, 2),
];

/// `count` events of one tenant, each about a person registered before it.
pub(crate) fn tenant(
    w: &mut Writer<'_>,
    seed: u64,
    t: &TenantPlan,
    people: &[Entry],
    count: usize,
) -> anyhow::Result<()> {
    let Some(first) = people.first() else { return Ok(()) };
    let mut rng = stream(seed, "audit", t.index as u64);
    let mut rows = Vec::with_capacity(count);
    for at in times(&mut rng, count, first.registered) {
        let known = people.partition_point(|p| p.registered <= at).max(1);
        let who = people[rng.random_range(0..known)];
        let (person, case) = (who.person.hyphenated().to_string(), who.case.hyphenated().to_string());
        let worker = one(&mut rng, &t.staff.workers).clone();
        let actor = if rng.random_bool(0.8) { worker.clone() } else { one(&mut rng, &t.staff.members).clone() };
        let (action, target_type, target, details) = match weighted(&mut rng, ACTIONS) {
            Action::PersonViewed => {
                ("beneficiary.viewed", "beneficiary", person, json!({ "documents_shown": rng.random_bool(0.7) }))
            }
            Action::CaseViewed => ("case.viewed", "case", case, json!({})),
            Action::PersonCreated => ("beneficiary.created", "beneficiary", person, json!({})),
            Action::CaseCreated => {
                let pathway = *one(&mut rng, &["auto_entrepreneur", "employment", "training"]);
                ("case.created", "case", case, json!({ "beneficiary_id": person, "pathway": pathway }))
            }
            Action::CaseAssigned => ("case.assigned", "case", case, json!({ "user_id": worker })),
            Action::NoteAdded => {
                let visibility = if rng.random_bool(0.12) { "confidential" } else { "normal" };
                ("note.added", "case", case, json!({ "note_id": uuid_at(&mut rng, at), "visibility": visibility }))
            }
            Action::TaskAdded => {
                ("task.added", "case", case, json!({ "task_id": uuid_at(&mut rng, at), "assignee_id": worker }))
            }
            Action::StatusChanged => {
                ("case.status_changed", "case", case, json!({ "from": "open", "to": "on_hold", "reason": null }))
            }
            Action::ConsentRecorded => (
                "consent.recorded",
                "beneficiary",
                person,
                json!({ "consent_id": uuid_at(&mut rng, at), "purpose": "case_management", "channel": "written" }),
            ),
            Action::DocumentAdded => (
                "document.added",
                "beneficiary",
                person,
                json!({ "document_id": uuid_at(&mut rng, at), "doc_type": "residence_card" }),
            ),
        };
        rows.push(AuditRow {
            id: uuid_at(&mut rng, at),
            tenant_id: Some(t.id.clone()),
            actor_user_id: Some(actor),
            action,
            target_type,
            target_id: Some(target),
            details: details.to_string(),
            request_id: Some(uuid_random(&mut rng)),
            occurred_at: at,
        });
    }
    write(w, rows)
}

/// `count` network-level events: sign-ins (and a few failed attempts).
pub(crate) fn network(w: &mut Writer<'_>, seed: u64, plans: &[TenantPlan], count: usize) -> anyhow::Result<()> {
    let users: Vec<&String> = plans.iter().flat_map(|p| &p.staff.members).collect();
    if users.is_empty() {
        return Ok(());
    }
    let mut rng = stream(seed, "audit-network", 0);
    let mut rows = Vec::with_capacity(count);
    for at in times(&mut rng, count, history_start()) {
        let user = (*one(&mut rng, &users)).clone();
        let failed = rng.random_bool(0.08);
        rows.push(AuditRow {
            id: uuid_at(&mut rng, at),
            tenant_id: None,
            actor_user_id: (!failed).then(|| user.clone()),
            action: if failed { "auth.sign_in_failed" } else { "auth.signed_in" },
            target_type: "user",
            target_id: (!failed).then_some(user),
            details: "{}".to_owned(),
            request_id: Some(uuid_random(&mut rng)),
            occurred_at: at,
        });
    }
    write(w, rows)
}
