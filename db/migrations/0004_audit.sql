-- The audit log (SPEC §8, §10): who did what, when, under which request id. Append-only
-- and hash-chained like the journal: each row's hash covers the previous row's hash and
-- its own fields, assigned here under a lock so the chain has no forks or gaps.

CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq bigint NOT NULL,
    hash bytea NOT NULL CHECK (octet_length(hash) = 32)
);
INSERT INTO audit_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

CREATE TABLE audit_log (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    request_id text NOT NULL CHECK (length(request_id) <= 200),
    action text NOT NULL CHECK (action ~ '^[a-z_.]{1,64}$'),
    subject text NOT NULL CHECK (length(subject) <= 200),
    detail text NOT NULL CHECK (length(detail) <= 2000),
    prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash bytea NOT NULL CHECK (octet_length(hash) = 32)
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- The text each hash covers: length-prefixed fields, so no two rows share bytes.
CREATE FUNCTION riziki_audit_bytes(r audit_log) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(concat_ws('|', 'riziki.audit.v1', r.seq,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        length(r.actor), r.actor, length(r.request_id), r.request_id,
        length(r.action), r.action, length(r.subject), r.subject,
        length(r.detail), r.detail), 'UTF8')
$$;

CREATE FUNCTION riziki_audit_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    head record;
BEGIN
    SELECT seq, hash INTO head FROM audit_head FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.at := date_trunc('microseconds', clock_timestamp());
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || riziki_audit_bytes(NEW));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION riziki_audit_link();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();

REVOKE ALL ON audit_head, audit_log FROM PUBLIC;
GRANT SELECT ON audit_head, audit_log TO riziki_app;
GRANT INSERT (actor, request_id, action, subject, detail) ON audit_log TO riziki_app;
