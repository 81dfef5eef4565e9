-- Indexes for the hot pages, found by crates/web/tests/query_plans.rs: each
-- lets a list be read in the order it is shown, from its cursor, up to its
-- page size, instead of reading and sorting a whole slice of the tenant.

-- The case list (most recently changed first, keyset on updated_at, id),
-- unfiltered and by pathway; by status it is cases_status_idx. The new
-- pathway index starts with the old one's columns, which it replaces.
CREATE INDEX cases_updated_idx ON cases (tenant_id, updated_at, id);
CREATE INDEX cases_pathway_updated_idx ON cases (tenant_id, pathway, updated_at, id);
DROP INDEX cases_pathway_idx;

-- "Mine" and my work: the cases one user is assigned to in a tenant
-- (the primary key is (tenant_id, case_id, user_id); case_assignments_user_idx
-- stays for the foreign key to users).
CREATE INDEX case_assignments_tenant_user_idx ON case_assignments (tenant_id, user_id, case_id);

-- The referral inbox and the sent list: latest change first, drafts aside.
CREATE INDEX referrals_receiver_updated_idx ON referrals (receiver_tenant_id, updated_at);
CREATE INDEX referrals_sender_updated_idx ON referrals (sender_tenant_id, updated_at);
