//! Lists (overdue first) and dashboard aggregates of a tenant's referrals.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use relais_domain::ids::{CaseId, ReferralId};
use relais_domain::referral::ReferralStatus;

use super::{Comment, Referral};
use crate::models::directory::Service;
use crate::schema::{external_organisations, referral_comments, referrals, services, tenants};
use crate::{DbConnection, PersistenceError, TenantScope};

/// A referral as listed, with the names a list shows.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The referral.
    pub referral: Referral,
    /// Its service.
    pub service: Service,
    /// The other side's name (receiving tenant or organisation for the
    /// sender, sending tenant for the receiver).
    pub counterpart: String,
    /// Sent and not answered by its deadline.
    pub overdue: bool,
    /// The latest comment, if any.
    pub last_comment: Option<Comment>,
}

fn decorate(
    conn: &mut DbConnection,
    rows: Vec<Referral>,
    sender_view: bool,
    now: NaiveDateTime,
    with_comments: bool,
) -> Result<Vec<Listing>, PersistenceError> {
    let service_ids: Vec<String> = rows.iter().map(|r| r.service_id.to_string()).collect();
    let services: HashMap<String, Service> = services::table
        .filter(services::id.eq_any(service_ids))
        .select(Service::as_select())
        .load(conn)?
        .into_iter()
        .map(|s| (s.id.to_string(), s))
        .collect();
    let tenant_ids: Vec<String> = rows
        .iter()
        .filter_map(|r| if sender_view { r.receiver_tenant_id } else { Some(r.sender_tenant_id) })
        .map(|t| t.to_string())
        .collect();
    let names: HashMap<String, String> = tenants::table
        .filter(tenants::id.eq_any(tenant_ids))
        .select((tenants::id, tenants::name))
        .load(conn)?
        .into_iter()
        .collect();
    let organisation_ids: Vec<String> =
        rows.iter().filter(|_| sender_view).filter_map(|r| r.receiver_organisation_id.map(|o| o.to_string())).collect();
    // One query per kind of name; a service, tenant or organisation not found
    // is shown with an empty name, as when each was read on its own.
    let organisations: HashMap<String, String> = if organisation_ids.is_empty() {
        HashMap::new()
    } else {
        external_organisations::table
            .filter(external_organisations::id.eq_any(organisation_ids))
            .select((external_organisations::id, external_organisations::name))
            .load(conn)?
            .into_iter()
            .collect()
    };
    let mut latest = if with_comments { last_comments(conn, &rows)? } else { HashMap::new() };
    let name_of = |map: &HashMap<String, String>, id: String| map.get(&id).cloned().unwrap_or_default();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(service) = services.get(&r.service_id.to_string()).cloned() else { continue };
        let counterpart = if sender_view {
            match (r.receiver_tenant_id, r.receiver_organisation_id) {
                (Some(t), _) => name_of(&names, t.to_string()),
                (None, Some(o)) => name_of(&organisations, o.to_string()),
                (None, None) => String::new(),
            }
        } else {
            name_of(&names, r.sender_tenant_id.to_string())
        };
        let last_comment = latest.remove(&r.id);
        out.push(Listing { overdue: r.is_overdue(now), referral: r, service, counterpart, last_comment });
    }
    Ok(out)
}

/// The latest comment of each referral that has one, in one query (the last
/// in the order of [`super::comments`]).
fn last_comments(conn: &mut DbConnection, rows: &[Referral]) -> Result<HashMap<ReferralId, Comment>, PersistenceError> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    let all: Vec<Comment> = referral_comments::table
        .filter(referral_comments::referral_id.eq_any(ids))
        .order((referral_comments::created_at.asc(), referral_comments::id.asc()))
        .select(Comment::as_select())
        .load(conn)?;
    // Oldest first: each later comment replaces the one before it.
    Ok(all.into_iter().map(|c| (c.referral_id, c)).collect())
}

/// Overdue rows first (oldest deadline first), then the rest, latest change first.
fn overdue_first(mut rows: Vec<Referral>, now: NaiveDateTime, limit: i64) -> Vec<Referral> {
    rows.sort_by(|a, b| match (a.is_overdue(now), b.is_overdue(now)) {
        (true, true) => a.due_at.cmp(&b.due_at),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => b.updated_at.cmp(&a.updated_at).then_with(|| b.id.cmp(&a.id)),
    });
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    rows
}

/// Referrals sent by the scope's tenant (drafts excluded), overdue first, at most `limit`.
pub fn sent_by(
    conn: &mut DbConnection,
    scope: &TenantScope,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Listing>, PersistenceError> {
    let base = || {
        referrals::table
            .filter(referrals::sender_tenant_id.eq(scope.key()))
            .filter(referrals::status.ne(ReferralStatus::Draft.as_str()))
            .select(Referral::as_select())
    };
    let mut rows: Vec<Referral> = base()
        .filter(referrals::status.eq(ReferralStatus::Sent.as_str()))
        .filter(referrals::due_at.lt(now))
        .order(referrals::due_at.asc())
        .limit(limit)
        .load(conn)?;
    rows.extend(base().order(referrals::updated_at.desc()).limit(limit).load(conn)?);
    rows.dedup_by(|a, b| a.id == b.id);
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.id));
    let rows = overdue_first(rows, now, limit);
    decorate(conn, rows, true, now, false)
}

/// Referrals received by the scope's tenant (its inbox), overdue first, at most `limit`.
pub fn received_by(
    conn: &mut DbConnection,
    scope: &TenantScope,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Listing>, PersistenceError> {
    let base = || {
        referrals::table
            .filter(referrals::receiver_tenant_id.eq(scope.key()))
            .filter(referrals::status.ne(ReferralStatus::Draft.as_str()))
            .select(Referral::as_select())
    };
    let mut rows: Vec<Referral> = base()
        .filter(referrals::status.eq(ReferralStatus::Sent.as_str()))
        .filter(referrals::due_at.lt(now))
        .order(referrals::due_at.asc())
        .limit(limit)
        .load(conn)?;
    rows.extend(base().order(referrals::updated_at.desc()).limit(limit).load(conn)?);
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.id));
    let rows = overdue_first(rows, now, limit);
    decorate(conn, rows, false, now, false)
}

/// Drafts of the scope's tenant waiting for a caseworker's review, oldest first.
pub fn drafts_to_review(
    conn: &mut DbConnection,
    scope: &TenantScope,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Listing>, PersistenceError> {
    let rows = referrals::table
        .filter(referrals::sender_tenant_id.eq(scope.key()))
        .filter(referrals::status.eq(ReferralStatus::Draft.as_str()))
        .order(referrals::created_at.asc())
        .limit(limit)
        .select(Referral::as_select())
        .load(conn)?;
    decorate(conn, rows, true, now, false)
}

/// The referrals sent from one case of the scope's tenant, latest first, with their last comment.
pub fn for_case(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    now: NaiveDateTime,
) -> Result<Vec<Listing>, PersistenceError> {
    let rows = referrals::table
        .filter(referrals::sender_tenant_id.eq(scope.key()))
        .filter(referrals::sender_case_id.eq(case_id.to_string()))
        .order(referrals::created_at.desc())
        .limit(100)
        .select(Referral::as_select())
        .load(conn)?;
    decorate(conn, rows, true, now, true)
}

/// Where a page of referrals starts: after this (latest change, id).
pub type PageCursor = (NaiveDateTime, ReferralId);

/// A page of the referrals the scope's tenant sent (drafts included) or
/// received (drafts never), latest change first, after `after`, at most
/// `limit` (the JSON API's keyset pages; the inbox pages put overdue first).
pub fn page(
    conn: &mut DbConnection,
    scope: &TenantScope,
    side: relais_domain::referral::Side,
    after: Option<PageCursor>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<Vec<Listing>, PersistenceError> {
    use relais_domain::referral::Side;
    let mut query =
        referrals::table.select(Referral::as_select()).into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    query = match side {
        Side::Receiver => query
            .filter(referrals::receiver_tenant_id.eq(scope.key()))
            .filter(referrals::status.ne(ReferralStatus::Draft.as_str())),
        _ => query.filter(referrals::sender_tenant_id.eq(scope.key())),
    };
    if let Some((at, id)) = after {
        // The redundant `<=` keeps the read an index range on (tenant, updated_at).
        query = query.filter(referrals::updated_at.le(at)).filter(
            referrals::updated_at.lt(at).or(referrals::updated_at.eq(at).and(referrals::id.lt(id.to_string()))),
        );
    }
    let rows = query.order((referrals::updated_at.desc(), referrals::id.desc())).limit(limit).load(conn)?;
    decorate(conn, rows, side != Side::Receiver, now, false)
}

/// How many referrals are in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    /// Status code.
    pub status: String,
    /// How many.
    pub count: i64,
}

/// Median response time (sent → answered) of one service or receiving tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct MedianRow {
    /// Service or tenant id.
    pub id: String,
    /// How many answered referrals it is computed from.
    pub answered: usize,
    /// The median, in hours.
    pub median_hours: f64,
}

/// A tenant's referral dashboard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dashboard {
    /// Sent by the tenant, by status (all time).
    pub sent: Vec<StatusCount>,
    /// Received by the tenant, by status (all time).
    pub received: Vec<StatusCount>,
    /// Median response time per service, over the referrals the tenant sent
    /// or received that were answered since the dashboard's start time.
    pub by_service: Vec<MedianRow>,
    /// Median response time per receiving tenant, over the referrals the
    /// tenant sent that were answered since the dashboard's start time.
    pub by_receiver: Vec<MedianRow>,
    /// The services of `by_service`, by id (read in one query).
    pub services: HashMap<String, Service>,
    /// The names of the tenants of `by_receiver`, by id (read in one query).
    pub receiver_names: HashMap<String, String>,
}

fn median_hours(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let n = values.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn medians(groups: BTreeMap<String, Vec<f64>>) -> Vec<MedianRow> {
    groups.into_iter().map(|(id, v)| MedianRow { id, answered: v.len(), median_hours: median_hours(v) }).collect()
}

fn hours_between(sent_at: Option<NaiveDateTime>, answered_at: Option<NaiveDateTime>) -> Option<f64> {
    let (Some(s), Some(a)) = (sent_at, answered_at) else { return None };
    Some((a - s).num_seconds() as f64 / 3600.0)
}

/// Counts by status (sent and received, all time) and median response times
/// over the referrals answered at or after `answered_since` (the web page
/// passes 90 days ago), computed in Rust, with the names of the services and
/// receiving tenants.
///
/// At most six statements whatever the tenant's history: two counts, two
/// median reads, one read of service names and one of tenant names.
pub fn dashboard(
    conn: &mut DbConnection,
    scope: &TenantScope,
    answered_since: NaiveDateTime,
) -> Result<Dashboard, PersistenceError> {
    let key = scope.key();
    // The counts stay over all time: a GROUP BY status on the tenant's prefix
    // of referrals_sender_status_idx (sender_tenant_id, status, updated_at)
    // and referrals_receiver_status_idx (receiver_tenant_id, status, due_at)
    // is read from the index alone (no table row), ten codes at most come
    // back, and a status count that forgot older referrals would misstate
    // what is still open.
    let counts =
        |rows: Vec<(String, i64)>| rows.into_iter().map(|(status, count)| StatusCount { status, count }).collect();
    let sent: Vec<(String, i64)> = referrals::table
        .filter(referrals::sender_tenant_id.eq(&key))
        .group_by(referrals::status)
        .select((referrals::status, count_star()))
        .order(referrals::status.asc())
        .load(conn)?;
    let received: Vec<(String, i64)> = referrals::table
        .filter(referrals::receiver_tenant_id.eq(&key))
        .filter(referrals::status.ne(ReferralStatus::Draft.as_str()))
        .group_by(referrals::status)
        .select((referrals::status, count_star()))
        .order(referrals::status.asc())
        .load(conn)?;
    // The medians read only the referrals answered since `answered_since`:
    // an index range on referrals_sender_answered_idx, then on
    // referrals_receiver_answered_idx ((sender|receiver)_tenant_id,
    // answered_at), so their cost follows the recent answers, not the
    // tenant's whole history.
    type SentAnswer = (String, Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let sent_answers: Vec<SentAnswer> = referrals::table
        .filter(referrals::sender_tenant_id.eq(&key))
        .filter(referrals::answered_at.ge(answered_since))
        .select((referrals::service_id, referrals::receiver_tenant_id, referrals::sent_at, referrals::answered_at))
        .load(conn)?;
    // A referral the tenant sent to itself is counted once, with those it sent.
    type ReceivedAnswer = (String, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let received_answers: Vec<ReceivedAnswer> = referrals::table
        .filter(referrals::receiver_tenant_id.eq(&key))
        .filter(referrals::answered_at.ge(answered_since))
        .filter(referrals::sender_tenant_id.ne(&key))
        .select((referrals::service_id, referrals::sent_at, referrals::answered_at))
        .load(conn)?;
    let mut by_service: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut by_receiver: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (service, receiver, sent_at, answered_at) in sent_answers {
        let Some(hours) = hours_between(sent_at, answered_at) else { continue };
        by_service.entry(service).or_default().push(hours);
        if let Some(receiver) = receiver {
            by_receiver.entry(receiver).or_default().push(hours);
        }
    }
    for (service, sent_at, answered_at) in received_answers {
        let Some(hours) = hours_between(sent_at, answered_at) else { continue };
        by_service.entry(service).or_default().push(hours);
    }
    // One query per kind of name; a service or tenant not found is shown with an empty name.
    let services: HashMap<String, Service> = if by_service.is_empty() {
        HashMap::new()
    } else {
        services::table
            .filter(services::id.eq_any(by_service.keys()))
            .select(Service::as_select())
            .load(conn)?
            .into_iter()
            .map(|s| (s.id.to_string(), s))
            .collect()
    };
    let receiver_names: HashMap<String, String> = if by_receiver.is_empty() {
        HashMap::new()
    } else {
        tenants::table
            .filter(tenants::id.eq_any(by_receiver.keys()))
            .select((tenants::id, tenants::name))
            .load(conn)?
            .into_iter()
            .collect()
    };
    Ok(Dashboard {
        sent: counts(sent),
        received: counts(received),
        by_service: medians(by_service),
        by_receiver: medians(by_receiver),
        services,
        receiver_names,
    })
}

#[cfg(test)]
mod tests {
    use super::median_hours;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median_hours(vec![]), 0.0);
        assert_eq!(median_hours(vec![5.0, 1.0, 3.0]), 3.0);
        assert_eq!(median_hours(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
