DROP INDEX referrals_sender_updated_idx;
DROP INDEX referrals_receiver_updated_idx;
DROP INDEX case_assignments_tenant_user_idx;
CREATE INDEX cases_pathway_idx ON cases (tenant_id, pathway);
DROP INDEX cases_pathway_updated_idx;
DROP INDEX cases_updated_idx;
