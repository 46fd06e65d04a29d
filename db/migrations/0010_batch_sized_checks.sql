-- The writer's batch, measured with pg_stat_statements (bench_api --statements): some checks
-- still ran once per row or were planned afresh on every call. The rules are unchanged;
-- each now runs once per batch, with a cached plan.

-- 1. Every entry has all its postings and sums to zero per currency and fund, checked at
-- commit. 0001 ran a deferred trigger per entry: a plpgsql call and a query for each one.
-- Every INSERT into entries moves the journal head (entries_link, in the same statement),
-- so a deferred trigger on the head's move sees every entry, once per INSERT statement:
-- the entries between the head it moved from and the head it moved to.
CREATE OR REPLACE FUNCTION riziki_entries_balanced() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.seq, e.posting_count, s.found, s.currencies_off, s.funds_off INTO bad
    FROM entries e
    CROSS JOIN LATERAL (
        SELECT count(*) AS found, count(*) FILTER (WHERE by_currency <> 0) AS currencies_off,
               count(*) FILTER (WHERE by_fund <> 0) AS funds_off
        FROM (SELECT sum(p.amount_minor) OVER (PARTITION BY p.currency) AS by_currency,
                     sum(p.amount_minor) OVER (PARTITION BY p.fund) AS by_fund
              FROM postings p WHERE p.entry_seq = e.seq OFFSET 0) sums) s
    WHERE e.seq > OLD.seq AND e.seq <= NEW.seq
      AND (s.found <> e.posting_count OR s.currencies_off > 0 OR s.funds_off > 0)
    ORDER BY e.seq LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF bad.found <> bad.posting_count THEN
        RAISE EXCEPTION 'riziki:partial_entry entry % has % of % postings',
            bad.seq, bad.found, bad.posting_count;
    END IF;
    IF bad.currencies_off > 0 THEN
        RAISE EXCEPTION 'riziki:unbalanced_entry entry % does not balance per currency', bad.seq;
    END IF;
    RAISE EXCEPTION 'riziki:unbalanced_fund entry % does not balance per fund', bad.seq;
END $$;
CREATE CONSTRAINT TRIGGER journal_head_entries_balanced AFTER UPDATE ON journal_head
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION riziki_entries_balanced();
DROP TRIGGER entries_balanced ON entries;
DROP FUNCTION riziki_entry_balanced();

-- 2. The head locks were SQL functions, parsed and planned on every call; plpgsql keeps
-- the plan for the life of the connection.
CREATE OR REPLACE FUNCTION riziki_lock_head(OUT seq bigint, OUT hash_hex text,
                                            OUT catalog bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    SELECT h.seq, encode(h.hash, 'hex'), c.version INTO seq, hash_hex, catalog
    FROM journal_head h, catalog_version c FOR UPDATE OF h;
END $$;

CREATE OR REPLACE FUNCTION riziki_lock_audit_head(OUT seq bigint, OUT hash_hex text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    SELECT h.seq, encode(h.hash, 'hex') INTO seq, hash_hex FROM audit_head h FOR UPDATE;
END $$;

-- 3. The audit row trigger only chains lines inserted without a seq; the writer's lines,
-- chained already, no longer call it at all (audit_log_chained checks them per statement).
DROP TRIGGER audit_log_link ON audit_log;
CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log
    FOR EACH ROW WHEN (NEW.seq IS NULL) EXECUTE FUNCTION riziki_audit_link();

-- 4. The audit line's hashed bytes: declared IMMUTABLE over to_char (STABLE), the function
-- could not be inlined and ran as a query of its own for every line checked. STABLE is
-- what its body is; inlined, the chain check computes the bytes in its own plan.
CREATE OR REPLACE FUNCTION riziki_audit_bytes(r audit_log) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT convert_to(concat_ws('|', 'riziki.audit.v1', r.seq,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        length(r.actor), r.actor, length(r.request_id), r.request_id,
        length(r.action), r.action, length(r.subject), r.subject,
        length(r.detail), r.detail), 'UTF8')
$$;

-- 5. Only an award's status may change: 0003 compared the whole row as jsonb, two
-- conversions per updated award. The same rule, as a comparison of the row with the old
-- status put back (every column, whatever columns the table gains).
CREATE OR REPLACE FUNCTION riziki_award_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unchanged awards := NEW;
BEGIN
    unchanged.status := OLD.status;
    IF unchanged IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'riziki:append_only only an award''s status may change';
    END IF;
    IF OLD.status <> NEW.status AND (OLD.status, NEW.status) NOT IN (
        ('approved', 'active'), ('approved', 'closed'),
        ('active', 'approved'), ('active', 'closed'), ('active', 'repaid'),
        ('active', 'written_off'), ('active', 'forgiven'),
        ('closed', 'active'), ('closed', 'approved'), ('repaid', 'active'),
        ('written_off', 'active'), ('forgiven', 'active')) THEN
        RAISE EXCEPTION 'riziki:award_not_active award % cannot go from % to %',
            NEW.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END $$;
