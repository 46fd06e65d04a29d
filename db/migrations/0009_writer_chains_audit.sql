-- The writer records an audit line per API write, a batch at a time. The chain trigger of
-- 0004 ran per row: a plpgsql call, a locked read and an update of audit_head, and a hash,
-- for every line. As with entries, the writer now chains its lines itself under the audit
-- head's lock (riziki_lock_audit_head), and PostgreSQL checks the chain once per INSERT
-- statement and moves the head. A line inserted without a seq (single audit events from
-- the store) is still chained by the row trigger, as before, and checked the same way.

CREATE FUNCTION riziki_lock_audit_head(OUT seq bigint, OUT hash_hex text)
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT h.seq, encode(h.hash, 'hex') FROM audit_head h FOR UPDATE
$$;
REVOKE ALL ON FUNCTION riziki_lock_audit_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_lock_audit_head() TO riziki_app;

-- Lines given a seq keep what they were given (checked below); others are chained here.
CREATE OR REPLACE FUNCTION riziki_audit_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    head record;
BEGIN
    IF NEW.seq IS NOT NULL THEN
        RETURN NEW;
    END IF;
    SELECT seq, hash INTO head FROM audit_head FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.at := date_trunc('microseconds', clock_timestamp());
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || riziki_audit_bytes(NEW));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash;
    RETURN NEW;
END $$;

-- Every line of the statement, in seq order, follows the head (or the line before it in
-- the statement) and hashes to what it claims; then the head moves to the last line.
-- Lines chained by the row trigger above moved the head themselves and pass the same test
-- against the line before them.
CREATE FUNCTION riziki_audit_chained() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    head record;
    bad_seq bigint;
    last record;
BEGIN
    SELECT seq, hash INTO head FROM audit_head FOR UPDATE;
    SELECT i.seq INTO bad_seq
    FROM (SELECT n.seq, n.prev_hash, n.hash,
                 sha256(n.prev_hash || riziki_audit_bytes(
                     ROW(n.seq, n.at, n.actor, n.request_id, n.action, n.subject, n.detail,
                         n.prev_hash, n.hash)::audit_log)) AS expected,
                 lag(n.seq) OVER w AS before_seq, lag(n.hash) OVER w AS before_hash
          FROM inserted n WINDOW w AS (ORDER BY n.seq)) i
    LEFT JOIN LATERAL (SELECT p.hash FROM audit_log p
                       WHERE p.seq = i.seq - 1 AND i.before_seq IS NULL OFFSET 0) earlier ON true
    WHERE i.seq <> COALESCE(i.before_seq + 1, i.seq)
       OR i.prev_hash IS DISTINCT FROM CASE
              WHEN i.before_seq IS NOT NULL THEN i.before_hash
              WHEN i.seq = 1 THEN decode(repeat('00', 32), 'hex')
              ELSE earlier.hash END
       OR i.hash <> i.expected
    ORDER BY i.seq LIMIT 1;
    IF bad_seq IS NOT NULL THEN
        RAISE EXCEPTION 'riziki:audit_chain_broken audit line % does not follow the chain',
            bad_seq;
    END IF;
    -- A line can only follow an existing one (its seq is a key), so the last line here is
    -- the end of the chain.
    SELECT seq, hash INTO last FROM inserted ORDER BY seq DESC LIMIT 1;
    IF last.seq > head.seq THEN
        UPDATE audit_head SET seq = last.seq, hash = last.hash;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER audit_log_chained AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_audit_chained();

GRANT INSERT (seq, at, prev_hash, hash) ON audit_log TO riziki_app;
