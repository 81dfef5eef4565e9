//! One tenant's people and case files, generated in registration order and
//! written in batches (one transaction per batch of people with all their
//! rows, parents before children).

use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;

use super::cases::{CaseRows, Numbering, cases_for};
use super::network::TenantPlan;
use super::people::{Partner, ReferralConsent, person};
use super::rows::Writer;
use super::util::{count, history_start, reference_time, stream};

/// People per transaction.
const BATCH: usize = 2_000;

/// A person with a referral consent: what a referral from them needs.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) person: uuid::Uuid,
    pub(crate) case: uuid::Uuid,
    pub(crate) case_created: NaiveDateTime,
    pub(crate) consent: ReferralConsent,
    pub(crate) packet: String,
}

/// A person as the audit and referral phases see them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) person: uuid::Uuid,
    /// Their latest case.
    pub(crate) case: uuid::Uuid,
    pub(crate) registered: NaiveDateTime,
}

/// What one tenant's generation leaves for the later phases.
#[derive(Debug, Default)]
pub(crate) struct TenantOutput {
    /// Every person, by registration time.
    pub(crate) people: Vec<Entry>,
    /// People who consented to be referred to a partner.
    pub(crate) sources: Vec<Source>,
    /// A case of the printed caseworker (or any case) and its person.
    pub(crate) sample: Option<(uuid::Uuid, uuid::Uuid)>,
}

/// Registration times, sorted: more people in recent years (the programme grows).
fn registrations(rng: &mut StdRng, n: usize) -> Vec<NaiveDateTime> {
    let span = (reference_time() - Duration::days(2) - history_start()).num_microseconds().unwrap_or(0) as f64;
    let mut times: Vec<NaiveDateTime> =
        (0..n).map(|_| history_start() + Duration::microseconds((span * rng.random::<f64>().sqrt()) as i64)).collect();
    times.sort_unstable();
    times
}

/// Spreads `total` events over `slots` cases: uniform, with runs on the
/// same case (some cases are much busier than others).
pub(crate) fn spread(rng: &mut StdRng, total: usize, slots: usize) -> Vec<u32> {
    let mut counts = vec![0u32; slots];
    if slots == 0 {
        return counts;
    }
    let mut last = 0;
    for i in 0..total {
        let idx = if i > 0 && rng.random_bool(0.3) { last } else { rng.random_range(0..slots) };
        counts[idx] += 1;
        last = idx;
    }
    counts
}

/// Generates and writes one tenant's people, documents, consents, cases,
/// assignments, notes, tasks and `events` timeline events.
pub(crate) fn build(
    w: &mut Writer<'_>,
    seed: u64,
    t: &TenantPlan,
    partners: &[Partner],
    events: usize,
) -> anyhow::Result<TenantOutput> {
    let started = Instant::now();
    let rows_before = w.stats.total();
    let index = t.index as u64;
    let mut plan_rng = stream(seed, "registrations", index);
    let times = registrations(&mut plan_rng, t.people);
    let end = reference_time() - Duration::days(120);
    let second: Vec<bool> = times.iter().map(|r| *r < end && plan_rng.random_bool(0.1)).collect();
    let cases = t.people + second.iter().filter(|s| **s).count();
    anyhow::ensure!(events == 0 || cases > 0, "tenant {} has no case to put {events} events on", t.name);
    let counts = spread(&mut stream(seed, "case-events", index), events, cases);
    let mut rng = stream(seed, "people", index);
    let mut numbering = Numbering::default();
    let mut out = TenantOutput { people: Vec::with_capacity(t.people), ..TenantOutput::default() };
    let mut fallback = None;
    let mut slot = 0usize;
    for start in (0..t.people).step_by(BATCH) {
        let (mut people, mut documents, mut consents) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = CaseRows::default();
        for i in start..(start + BATCH).min(t.people) {
            let p = person(&mut rng, t, partners, times[i], (&mut people, &mut documents, &mut consents));
            let n = 1 + usize::from(second[i]);
            let key = p.id.hyphenated().to_string();
            let made = cases_for(&mut rng, t, &key, p.created, &counts[slot..slot + n], &mut numbering, &mut rows);
            slot += n;
            let Some(latest) = made.last() else { continue };
            if let Some(mine) = made.iter().rev().find(|c| c.assigned_to_login) {
                out.sample = Some((mine.id, p.id));
            }
            fallback = Some((latest.id, p.id));
            out.people.push(Entry { person: p.id, case: latest.id, registered: p.created });
            if let (Some(consent), Some(packet)) = (p.referral_consent, p.packet) {
                out.sources.push(Source {
                    person: p.id,
                    case: latest.id,
                    case_created: latest.created,
                    consent,
                    packet,
                });
            }
        }
        w.commit(|load| {
            load.put(&mut people)?;
            load.put(&mut documents)?;
            load.put(&mut consents)?;
            load.put(&mut rows.cases)?;
            load.put(&mut rows.assignments)?;
            load.put(&mut rows.notes)?;
            load.put(&mut rows.tasks)?;
            load.put(&mut rows.events)?;
            Ok(())
        })?;
    }
    out.sample = out.sample.or(fallback);
    let rows = w.stats.total() - rows_before;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  {:<58} {:>9} people {:>9} cases {:>10} rows {:>7.1} s {:>9} rows/s",
        t.name,
        count(t.people),
        count(cases),
        count(rows),
        secs,
        count((rows as f64 / secs.max(1e-9)) as usize)
    );
    Ok(out)
}

/// Splits `total` in proportion to `weights` (the remainder to the first ones).
pub(crate) fn split(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<usize> = weights.iter().map(|w| (total as u128 * *w as u128 / sum as u128) as usize).collect();
    let mut rest = total - parts.iter().sum::<usize>();
    for (part, weight) in parts.iter_mut().zip(weights) {
        if rest == 0 {
            break;
        }
        if *weight > 0 {
            *part += 1;
            rest -= 1;
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up() {
        assert_eq!(split(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(split(1_000_000, &[100_000, 100_000, 10_000]).iter().sum::<usize>(), 1_000_000);
        assert_eq!(split(5, &[0, 2]), vec![0, 5]);
        assert_eq!(split(5, &[0, 0]), vec![0, 0]);
    }

    #[test]
    fn spreads_add_up() {
        let counts = spread(&mut stream(1, "t", 0), 1_000, 300);
        assert_eq!(counts.iter().sum::<u32>(), 1_000);
        assert!(counts.iter().any(|c| *c >= 4), "some cases are busier");
    }
}
