-- The active members of a tenant by role, read from the index alone (the case
-- list asks whether a tenant has more than 40 caseworkers on every load).
CREATE INDEX memberships_tenant_status_role_idx ON memberships (tenant_id, status, role, user_id);
