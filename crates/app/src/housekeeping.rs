//! Work the scheduled jobs do as the platform that belongs to no single
//! page: ending idle or expired sessions, and the daily digest of residence
//! cards about to expire (a count and a link per caseworker, never a name).

use chrono::NaiveDateTime;
use relais_domain::{EmailAddress, Language};
use relais_email::Email;
use relais_persistence::TenantScope;
use relais_persistence::models::{digests, sessions, tenants};

use crate::error::{AppError, AppResult};
use crate::{Actor, App, SystemJob};

/// Removes the sessions that ended by `now` (absolute expiry) or were idle
/// longer than `idle`; returns how many.
pub async fn sweep_sessions(app: &App, now: NaiveDateTime, idle: chrono::Duration) -> AppResult<usize> {
    app.write_at(&Actor::system(SystemJob::SessionSweep), now, move |tx| {
        Ok(sessions::delete_expired(tx.conn(), now, now - idle)?)
    })
    .await
}

/// Forgets the first answers to idempotent API writes kept longer than
/// their 24 hours; returns how many.
pub async fn forget_idempotent_answers(app: &App, now: NaiveDateTime) -> AppResult<usize> {
    let before = now - chrono::Duration::hours(crate::api_tokens::IDEMPOTENCY_HOURS);
    app.write_at(&Actor::system(SystemJob::SessionSweep), now, move |tx| {
        Ok(relais_persistence::models::api_tokens::forget_answers(tx.conn(), before)?)
    })
    .await
}

/// Queues, for each active tenant, the day's digest of residence cards
/// expiring within `window_days` to each caseworker assigned to the cases of
/// their holders (once per member and day: the idempotency key holds the
/// date); returns how many were queued.
pub async fn queue_document_expiry_digests(app: &App, now: NaiveDateTime, window_days: u32) -> AppResult<usize> {
    let today = now.date();
    let until = today + chrono::Days::new(u64::from(window_days));
    let link = format!("{}/beneficiaries?expiring={window_days}", app.settings().public_url);
    let all = app.read(|conn| Ok(tenants::list(conn)?)).await?;
    let actor = Actor::system(SystemJob::Digests);
    let mut queued = 0;
    for tenant in all.into_iter().filter(|t| t.active) {
        let tenant_id = tenant.tenant_id().map_err(|e| AppError::Internal(e.to_string()))?;
        let scope = TenantScope::for_system(tenant_id);
        let fallback: Language = tenant.default_language;
        let link = link.clone();
        queued += app
            .write_at(&actor, now, move |tx| {
                let rows = digests::residence_cards_expiring_by_assignee(tx.conn(), &scope, today, until)?;
                let mut queued = 0;
                for row in rows {
                    let Ok(recipient) = EmailAddress::parse(&row.email) else { continue };
                    let lang = row.preferred_language.unwrap_or(fallback);
                    let key = format!("digest:expiring-documents:{}:{}:{today}", scope.tenant_id(), row.user_id);
                    let email = Email::DocumentExpiryDigest {
                        count: u32::try_from(row.count).unwrap_or(u32::MAX),
                        within_days: window_days,
                        link: link.clone(),
                    };
                    relais_email::enqueue(tx.conn(), Some(&scope), &recipient, lang, &email, &key)?;
                    queued += 1;
                }
                Ok(queued)
            })
            .await?;
    }
    if queued > 0 {
        tracing::info!(count = queued, "document expiry digests queued");
    }
    Ok(queued)
}
