-- API tokens: only a SHA-256 of each token is stored; the token is shown once.
CREATE TABLE tokens (
    id bigserial PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('admin', 'finance', 'field', 'donor', 'auditor')),
    funds text[] NOT NULL DEFAULT '{}',
    token_sha256 bytea NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- A donor token is scoped to at least one fund; other roles to none.
    CHECK ((role = 'donor') = (cardinality(funds) > 0))
);
CREATE TRIGGER tokens_no_update BEFORE UPDATE OR DELETE ON tokens
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();

GRANT SELECT, INSERT ON tokens TO riziki_app;
GRANT USAGE ON SEQUENCE tokens_id_seq TO riziki_app;
