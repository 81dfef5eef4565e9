-- The referral dashboard (GET /referrals?tab=dashboard): its median
-- response times read the referrals a tenant sent, then those it received,
-- answered in the last 90 days, as an index range on (tenant, answered_at)
-- instead of every answered referral of the tenant.
CREATE INDEX referrals_sender_answered_idx ON referrals (sender_tenant_id, answered_at);
CREATE INDEX referrals_receiver_answered_idx ON referrals (receiver_tenant_id, answered_at);
