//! The daily referral digest of the users who chose one instead of each
//! notice: a count and a link, never a name.

use chrono::NaiveDateTime;
use relais_domain::{EmailAddress, Language};
use relais_email::Email;
use relais_persistence::models::referral_deadlines;

use crate::error::AppResult;
use crate::{Actor, App, SystemJob};

/// Queues the day's referral digest of each user who chose one and had
/// referral events on their side since a day before `now` (once per user
/// and day: the idempotency key holds the date); returns how many.
pub async fn queue_referral_digests(app: &App, now: NaiveDateTime) -> AppResult<usize> {
    let since = now - chrono::Duration::days(1);
    let today = now.date();
    let link = format!("{}/referrals", app.settings().public_url);
    app.write_at(&Actor::system(SystemJob::Digests), now, move |tx| {
        let mut queued = 0;
        for (recipient, count) in referral_deadlines::digest_counts(tx.conn(), since)? {
            let Ok(address) = EmailAddress::parse(&recipient.email) else { continue };
            let lang: Language = recipient.language.parse().unwrap_or_default();
            let key = format!("digest:referrals:{}:{today}", recipient.user_id.as_deref().unwrap_or(&recipient.email));
            let email = Email::ReferralDigest { count: u32::try_from(count).unwrap_or(u32::MAX), link: link.clone() };
            relais_email::enqueue(tx.conn(), None, &address, lang, &email, &key)?;
            queued += 1;
        }
        Ok(queued)
    })
    .await
}
