-- Who acted, by kind: a user (actor_user_id names them), an anonymous
-- visitor, an organisation through its referral link, or the platform
-- itself (a scheduled job). NULL on rows written before this column.
ALTER TABLE audit_events ADD COLUMN actor_kind TEXT
    CHECK (actor_kind IN ('user', 'anonymous', 'external_link', 'system'));
