-- A token of role 'metrics' is for a Prometheus scraper: it reads GET /metrics and nothing
-- else (api/roles.hpp). The request counts by route tell how many survivors were enrolled
-- and how often PII was read, so /metrics is no longer public. The role list here is the
-- one of api::kAllRoles (api/auth.hpp).
ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
    CHECK (role IN ('admin', 'finance', 'field', 'donor', 'auditor', 'metrics'));
