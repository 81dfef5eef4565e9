DROP TABLE authz_version;
DROP TABLE login_throttle;
DROP TABLE account_tokens;
DROP TABLE sessions;
