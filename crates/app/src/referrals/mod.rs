//! Referrals between tenants: drafting and sending behind the consent gate,
//! the receiver's answers, the outcome, comments, the deadlines, the answers
//! of organisations without an account, and revocation on consent
//! withdrawal. Every transition, whoever takes it (a page, an organisation's
//! link, a job), writes exactly one audit row with its typed action and the
//! same notices.

mod revocation;

pub(crate) use revocation::revoke_for_consent;
