-- The consortium registry's hub (`riziki hub`, SPEC §16, docs/registry.md "The hub's API"):
-- members, the keyed records they sent, the matches between records of different members,
-- their monthly activity and the append-only audit log. Every invariant the C++ checks
-- (api/hub_handlers.cpp, api/registry_index.hpp) is checked here again. The hub holds no PII:
-- only HMAC tokens, CLKs, months and kinds of support.

-- The hub connects as riziki_app: it may read, and change only what a member's requests
-- change; members are added and removed by the schema owner (`riziki hub member ...`).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'riziki_app') THEN
        CREATE ROLE riziki_app LOGIN;
    END IF;
END $$;

CREATE TABLE hub_members (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_code text NOT NULL UNIQUE CHECK (org_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz
);

CREATE TABLE hub_records (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member bigint NOT NULL REFERENCES hub_members (id),
    ref text NOT NULL CHECK (ref ~ '^[A-Za-z0-9_-]{1,64}$'),
    id_token bytea CHECK (length(id_token) = 32),
    phone_token bytea CHECK (length(phone_token) = 32),
    name_token bytea CHECK (length(name_token) = 32),
    year_token bytea NOT NULL CHECK (length(year_token) = 32),
    clk bytea NOT NULL CHECK (length(clk) = 128),
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    support text NOT NULL CHECK (support IN ('none', 'grant', 'loan')),
    UNIQUE (member, ref)
);

CREATE TABLE hub_matches (
    id text PRIMARY KEY CHECK (id ~ '^RM-[0-9a-f]{16}$'),
    record_low bigint NOT NULL REFERENCES hub_records (id) ON DELETE CASCADE,
    record_high bigint NOT NULL REFERENCES hub_records (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('exact', 'probable')),
    score numeric(4, 3) NOT NULL CHECK (score >= 0 AND score <= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (record_low < record_high),
    UNIQUE (record_low, record_high)
);
CREATE INDEX hub_matches_high ON hub_matches (record_high);

CREATE TABLE hub_activity (
    member bigint NOT NULL REFERENCES hub_members (id),
    month date NOT NULL CHECK (extract(day FROM month) = 1),
    record bigint NOT NULL REFERENCES hub_records (id) ON DELETE CASCADE,
    support text NOT NULL CHECK (support IN ('none', 'grant', 'loan')),
    PRIMARY KEY (member, month, record)
);
CREATE INDEX hub_activity_record ON hub_activity (record);

-- Every request and every member change, never a token or a record's values.
CREATE TABLE hub_audit (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    member bigint REFERENCES hub_members (id),
    action text NOT NULL CHECK (action IN ('check', 'matches', 'delete_record', 'activity',
        'statistics', 'refused', 'rate_limited', 'unauthenticated', 'member_add',
        'member_remove')),
    records integer NOT NULL DEFAULT 0 CHECK (records >= 0),
    matches integer NOT NULL DEFAULT 0 CHECK (matches >= 0),
    request_id text NOT NULL DEFAULT '' CHECK (length(request_id) <= 64)
);

CREATE FUNCTION riziki_hub_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'riziki:append_only % on % is not allowed', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER hub_audit_append_only BEFORE UPDATE OR DELETE ON hub_audit
    FOR EACH ROW EXECUTE FUNCTION riziki_hub_append_only();
CREATE TRIGGER hub_audit_no_truncate BEFORE TRUNCATE ON hub_audit
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_hub_append_only();

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON hub_members TO riziki_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON hub_records, hub_matches, hub_activity TO riziki_app;
GRANT SELECT, INSERT ON hub_audit TO riziki_app;
