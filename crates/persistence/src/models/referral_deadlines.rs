//! `referral_deadlines` (being written).
