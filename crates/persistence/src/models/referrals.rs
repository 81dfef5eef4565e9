//! `referrals` (being written).
