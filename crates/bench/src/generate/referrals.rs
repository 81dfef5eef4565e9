//! Referrals from the senders' consenting people to the partner tenant they
//! consented to, each taken through the state machine along a plausible
//! timeline that stops at the reference time: drafts, sent (some reminded or
//! escalated), accepted, declined, withdrawn, expired, in progress,
//! completed, not completed, and revoked when the consent was withdrawn.
//! Every step is also a `referral_events` row, as the application writes it.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime, NaiveTime};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome, ReferralStatus as S};
use serde_json::json;

use super::network::TenantPlan;
use super::rows::{ReferralEventRow, ReferralRow, Writer};
use super::tenant::{Source, TenantOutput, split};
use super::util::{one, reference_time, stream, uuid_at, uuid7, weighted};

/// Referrals per transaction.
const CHUNK: usize = 5_000;

const MESSAGES: &[&str] = &[
    "Projet d'activité bien avancé ; besoin d'un accompagnement à la création.",
    "La personne souhaite se former avant de se lancer.",
    "Merci de la contacter de préférence par WhatsApp.",
];
const DECLINE_TEXTS: &[&str] = &["Session complète jusqu'au trimestre prochain.", "Hors de notre zone d'intervention."];

/// What the referral phase found worth printing.
#[derive(Debug, Default)]
pub(crate) struct Inbox {
    /// Referrals received (drafts excluded) per tenant index.
    pub(crate) received: Vec<usize>,
    /// One received referral per tenant index (the last one generated).
    pub(crate) sample: Vec<Option<String>>,
}

struct Sim {
    row: ReferralRow,
    events: Vec<ReferralEventRow>,
    rng_events: StdRng,
}

impl Sim {
    fn step(
        &mut self,
        kind: &'static str,
        change: Option<(S, S)>,
        side: &'static str,
        actor: Option<&str>,
        details: serde_json::Value,
        at: NaiveDateTime,
    ) {
        self.events.push(ReferralEventRow {
            id: uuid_at(&mut self.rng_events, at),
            referral_id: self.row.id.clone(),
            kind,
            from_status: change.map(|(f, _)| f.as_str()),
            to_status: change.map(|(_, t)| t.as_str()),
            side,
            actor_id: actor.map(str::to_owned),
            details: details.to_string(),
            occurred_at: at,
        });
        self.row.updated_at = at;
        if let Some((_, to)) = change {
            self.row.status = to.as_str();
            self.row.version += 1;
        }
    }
}

fn reference(rng: &mut StdRng, used: &mut HashSet<String>) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    loop {
        let code: String = (0..6).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        let reference = format!("R-{code}");
        if used.insert(reference.clone()) {
            return reference;
        }
    }
}

/// Generates and writes `total` referrals, spread over the senders in
/// proportion to their consenting people.
pub(crate) fn build(
    w: &mut Writer<'_>,
    seed: u64,
    plans: &[TenantPlan],
    outputs: &[TenantOutput],
    total: usize,
) -> anyhow::Result<Inbox> {
    let mut inbox = Inbox { received: vec![0; plans.len()], sample: vec![None; plans.len()] };
    let weights: Vec<usize> = outputs.iter().map(|o| o.sources.len()).collect();
    anyhow::ensure!(
        total == 0 || weights.iter().any(|w| *w > 0),
        "no person consented to a referral: cannot generate {total} referrals \
         (people consent to an incubator or a public service, or to another tenant when there is none)"
    );
    let mut used = HashSet::new();
    for ((t, out), n) in plans.iter().zip(outputs).zip(split(total, &weights)) {
        let mut rng = stream(seed, "referrals", t.index as u64);
        let mut order: Vec<usize> = (0..out.sources.len()).collect();
        order.shuffle(&mut rng);
        let (mut rows, mut events) = (Vec::new(), Vec::new());
        let mut made = 0usize;
        let mut misses = 0usize;
        let mut next = 0usize;
        while made < n {
            let source = &out.sources[order[next % order.len()]];
            next += 1;
            let Some(sim) = one_referral(
                &mut rng,
                &mut used,
                t,
                source,
                &plans[source.consent.partner],
                &outputs[source.consent.partner],
            ) else {
                // A consent given just before the reference time may leave no room; others do.
                misses += 1;
                anyhow::ensure!(
                    misses <= order.len() * 20 + 100,
                    "no consent of {} leaves room for a referral",
                    t.name
                );
                continue;
            };
            misses = 0;
            made += 1;
            if sim.row.status != S::Draft.as_str() {
                inbox.received[source.consent.partner] += 1;
                inbox.sample[source.consent.partner] = Some(sim.row.id.clone());
            }
            rows.push(sim.row);
            events.extend(sim.events);
            if rows.len() >= CHUNK || made == n {
                w.commit(|load| {
                    load.put(&mut rows)?;
                    load.put(&mut events)?;
                    Ok(())
                })?;
            }
        }
    }
    Ok(inbox)
}

fn one_referral(
    rng: &mut StdRng,
    used: &mut HashSet<String>,
    sender: &TenantPlan,
    source: &Source,
    receiver: &TenantPlan,
    received: &TenantOutput,
) -> Option<Sim> {
    let end = reference_time() - Duration::hours(1);
    let c = &source.consent;
    let start = source.case_created.max(c.given_on.and_time(NaiveTime::from_hms_opt(9, 0, 0)?));
    let withdrawn = c.withdrawn_on.and_then(|d| d.and_hms_opt(10, rng.random_range(0..59), 0));
    let mut stop = end;
    if let Some(e) = c.expires_on {
        stop = stop.min(e.and_hms_opt(17, 0, 0)?);
    }
    if let Some(w) = withdrawn {
        stop = stop.min(w);
    }
    if stop <= start + Duration::minutes(10) {
        return None;
    }
    let service = one(rng, &receiver.services).clone();
    // People are referred soon after they consent (the consent is asked for
    // the referral); a referral whose time has not come is not drawn.
    let created = start + Duration::minutes(rng.random_range(10..60 * 24 * 60));
    if created >= stop {
        return None;
    }
    let drafted_by_volunteer = !sender.staff.volunteers.is_empty() && rng.random_bool(0.15);
    let created_by =
        if drafted_by_volunteer { one(rng, &sender.staff.volunteers) } else { one(rng, &sender.staff.workers) }.clone();
    let worker = one(rng, &sender.staff.workers).clone();
    let coach = one(rng, &receiver.staff.workers).clone();
    let id = uuid7(rng, created).hyphenated().to_string();
    let row = ReferralRow {
        id,
        reference: reference(rng, used),
        sender_tenant_id: sender.id.clone(),
        sender_case_id: source.case.hyphenated().to_string(),
        sender_beneficiary_id: source.person.hyphenated().to_string(),
        service_id: service.id.clone(),
        receiver_tenant_id: Some(receiver.id.clone()),
        receiver_organisation_id: None,
        consent_id: Some(c.id.hyphenated().to_string()),
        consent_override_reason: None,
        status: S::Draft.as_str(),
        packet: source.packet.clone(),
        message: rng.random_bool(0.6).then(|| *one(rng, MESSAGES)),
        created_by: created_by.clone(),
        sent_by: None,
        sent_at: None,
        due_at: None,
        reminded_at: None,
        escalated_at: None,
        answered_at: None,
        decline_reason: None,
        decline_text: None,
        outcome: None,
        not_completed_reason: None,
        closed_at: None,
        receiver_beneficiary_id: None,
        receiver_case_id: None,
        external_token_hash: None,
        external_token_expires_at: None,
        version: 1,
        created_at: created,
        updated_at: created,
    };
    let events_rng = stream(rng.random(), "referral-events", 0);
    let mut sim = Sim { row, events: Vec::new(), rng_events: events_rng };
    let fields = ["given_names", "languages", "phone", "region"];
    let details =
        json!({ "service_id": service.id, "consent_id": sim.row.consent_id, "override": false, "fields": fields });
    sim.step("created", None, "sender", Some(&created_by), details, created);
    // The steps the referral would take, each at its time; the run stops at
    // the reference time, or is revoked when the consent is withdrawn first.
    let limit = withdrawn.unwrap_or(end).min(end);
    let revoke = |sim: &mut Sim, from: S| {
        if let Some(at) = withdrawn.filter(|w| *w <= end) {
            sim.row.closed_at = Some(at);
            sim.row.packet = "{}".to_owned();
            let details = json!({ "consent_id": sim.row.consent_id });
            sim.step("revoke", Some((from, S::Revoked)), "system", Some(&worker), details, at);
        }
    };
    let sent = created + Duration::minutes(rng.random_range(5..2 * 24 * 60));
    if drafted_by_volunteer && rng.random_bool(0.2) || sent > limit {
        revoke(&mut sim, S::Draft);
        return Some(sim);
    }
    let days = Duration::days(i64::from(service.response_days));
    sim.row.sent_by = Some(worker.clone());
    sim.row.sent_at = Some(sent);
    sim.row.due_at = Some(sent + days);
    sim.step("send", Some((S::Draft, S::Sent)), "sender", Some(&worker), json!({}), sent);
    let branch = weighted(rng, &[("answer", 82), ("withdraw", 5), ("silence", 13)]);
    let answer_at = match branch {
        "answer" => sent + Duration::minutes((days.num_minutes() as f64 * rng.random_range(0.05..2.5)) as i64),
        "withdraw" => sent + Duration::hours(rng.random_range(1..72)),
        _ => sent + days * 3,
    };
    // Deadlines passed while waiting: the reminder at the due date, the escalation at twice the time.
    for (kind, at) in [("reminder", sent + days), ("escalation", sent + days * 2)] {
        if at < answer_at.min(limit) && branch != "withdraw" {
            if kind == "reminder" {
                sim.row.reminded_at = Some(at)
            } else {
                sim.row.escalated_at = Some(at)
            }
            sim.row.updated_at = at;
            sim.step(kind, None, "system", None, json!({}), at);
        }
    }
    if answer_at > limit {
        revoke(&mut sim, S::Sent);
        return Some(sim);
    }
    match branch {
        "withdraw" => {
            sim.row.closed_at = Some(answer_at);
            sim.step("withdraw", Some((S::Sent, S::Withdrawn)), "sender", Some(&worker), json!({}), answer_at);
            return Some(sim);
        }
        "silence" => {
            sim.row.closed_at = Some(answer_at);
            sim.step("expire", Some((S::Sent, S::Expired)), "system", None, json!({}), answer_at);
            return Some(sim);
        }
        _ => {}
    }
    sim.row.answered_at = Some(answer_at);
    if rng.random_bool(0.22) {
        let reason = weighted(
            rng,
            &[
                (DeclineReason::NoCapacity, 35),
                (DeclineReason::NotEligible, 25),
                (DeclineReason::OutOfScope, 15),
                (DeclineReason::OutsideArea, 10),
                (DeclineReason::Duplicate, 5),
                (DeclineReason::Other, 10),
            ],
        );
        sim.row.decline_reason = Some(reason.as_str());
        sim.row.decline_text =
            (reason == DeclineReason::Other || rng.random_bool(0.2)).then(|| *one(rng, DECLINE_TEXTS));
        sim.row.closed_at = Some(answer_at);
        sim.step(
            "decline",
            Some((S::Sent, S::Declined)),
            "receiver",
            Some(&coach),
            json!({ "reason": reason.as_str() }),
            answer_at,
        );
        return Some(sim);
    }
    // Accepted: linked to one of the receiver's people (and a case of theirs).
    let known = received.people.partition_point(|p| p.registered <= answer_at);
    if let Some(p) = received.people.get(rng.random_range(0..known.max(1))) {
        sim.row.receiver_beneficiary_id = Some(p.person.hyphenated().to_string());
        sim.row.receiver_case_id = Some(p.case.hyphenated().to_string());
    }
    sim.step("accept", Some((S::Sent, S::Accepted)), "receiver", Some(&coach), json!({}), answer_at);
    let started = answer_at + Duration::hours(rng.random_range(2..14 * 24));
    if rng.random_bool(0.1) || started > limit {
        revoke(&mut sim, S::Accepted);
        return Some(sim);
    }
    sim.step("start", Some((S::Accepted, S::InProgress)), "receiver", Some(&coach), json!({}), started);
    let ended = started + Duration::days(rng.random_range(14..120)) + Duration::minutes(rng.random_range(0..600));
    if ended > limit {
        revoke(&mut sim, S::InProgress);
        return Some(sim);
    }
    sim.row.closed_at = Some(ended);
    if rng.random_bool(0.8) {
        let outcome = weighted(
            rng,
            &[
                (ReferralOutcome::ServiceReceived, 30),
                (ReferralOutcome::RegisteredAutoEntrepreneur, 25),
                (ReferralOutcome::EnterpriseCreated, 15),
                (ReferralOutcome::Trained, 20),
                (ReferralOutcome::PlacedInJob, 7),
                (ReferralOutcome::JoinedCooperative, 3),
            ],
        );
        sim.row.outcome = Some(outcome.as_str());
        sim.step(
            "complete",
            Some((S::InProgress, S::Completed)),
            "receiver",
            Some(&coach),
            json!({ "outcome": outcome.as_str() }),
            ended,
        );
    } else {
        let reason = weighted(
            rng,
            &[
                (NotCompletedReason::NoShow, 35),
                (NotCompletedReason::CouldNotContact, 25),
                (NotCompletedReason::NoLongerInterested, 20),
                (NotCompletedReason::NotEligible, 10),
                (NotCompletedReason::NoCapacity, 10),
            ],
        );
        sim.row.not_completed_reason = Some(reason.as_str());
        sim.step(
            "not_complete",
            Some((S::InProgress, S::NotCompleted)),
            "receiver",
            Some(&coach),
            json!({ "reason": reason.as_str() }),
            ended,
        );
    }
    Some(sim)
}
