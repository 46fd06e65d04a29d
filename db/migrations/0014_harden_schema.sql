-- Hardening (issue 16): what the application role, riziki_app, could still do to the objects
-- the owner runs, and to the dates of the audit log.
--
-- 1. search_path. SECURITY DEFINER functions run as the owner with the search_path they
--    set. `public` alone left pg_temp searched first for tables: riziki_app (which, like
--    every role, may create temporary tables) could put a temporary audit_head, journal_head
--    or audit_log in front of the real one inside the owner's triggers. And on a server
--    older than PostgreSQL 15 every role may create in schema public, where an object of
--    the app's would meet the owner's code. Each such function now searches pg_catalog, then
--    public, then pg_temp last (the order PostgreSQL's manual gives for SECURITY DEFINER),
--    and only the owner may create in public. A db test checks every SECURITY DEFINER
--    function for this search_path, so later migrations cannot drop it.
--
-- 2. The audit log's seq and at. The writer chains its own audit lines (0009), so it
--    supplies them. A seq could only be the next one; an `at` could be any time at all.
--    Now every line's `at` must fall within the transaction that inserts it: not before
--    it began (now()), not after the check (clock_timestamp()). Lines chained by the row
--    trigger are stamped with clock_timestamp(), and the writer stamps its lines with the
--    server's clock, read when it locks the heads.

-- (Replacing a function replaces its settings: enable_seqscan = off is 0012's, kept.)
CREATE OR REPLACE FUNCTION riziki_audit_chained() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
SET enable_seqscan = off AS $$
DECLARE
    head record;
    bad_seq bigint;
    bad_reason text;
    last record;
BEGIN
    SELECT seq, hash INTO head FROM audit_head FOR UPDATE;
    SELECT i.seq, CASE WHEN i.at < now() OR i.at > clock_timestamp()
                       THEN 'audit_time_not_now' ELSE 'audit_chain_broken' END
    INTO bad_seq, bad_reason
    FROM (SELECT n.seq, n.at, n.prev_hash, n.hash,
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
       OR i.at < now() OR i.at > clock_timestamp()
    ORDER BY i.seq LIMIT 1;
    IF bad_seq IS NOT NULL THEN
        RAISE EXCEPTION 'riziki:% audit line % %', bad_reason, bad_seq,
            CASE bad_reason WHEN 'audit_chain_broken' THEN 'does not follow the chain'
                 ELSE 'is not dated within the transaction that inserts it' END;
    END IF;
    -- A line can only follow an existing one (its seq is a key), so the last line here is
    -- the end of the chain.
    SELECT seq, hash INTO last FROM inserted ORDER BY seq DESC LIMIT 1;
    IF last.seq > head.seq THEN
        UPDATE audit_head SET seq = last.seq, hash = last.hash;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_proc p
             WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END $$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM riziki_app;
