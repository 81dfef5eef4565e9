ALTER TABLE users DROP COLUMN referral_emails;
DROP TABLE referral_events;
DROP TABLE referral_comments;
DROP TABLE referrals;
