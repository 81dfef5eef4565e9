DROP TABLE email_outbox;
DROP TABLE audit_events;
DROP FUNCTION relais_refuse_change();
DROP TABLE casbin_rule;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE tenants;
