-- The writer inserts a batch's payment references and idempotency records in one INSERT
-- each. Their checks ran once per row: a plpgsql trigger for an unused reference, and a
-- foreign key to entries on both tables, whose check locks the entry row (FOR KEY SHARE)
-- and so writes to it again. Together they cost more than the rest of the two inserts.
-- They are now checked once per INSERT statement, over its transition table, as 0001
-- does for postings, each lookup a LATERAL ... OFFSET 0 probe by index (see 0006).
-- Entries are never deleted (append-only triggers), so a reference to
-- one, checked when inserted, stays true. The rules are unchanged.

ALTER TABLE payment_references DROP CONSTRAINT payment_references_entry_seq_fkey;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_entry_seq_fkey;
DROP TRIGGER payment_references_unused ON payment_references;
DROP FUNCTION riziki_reference_unused();

-- A reference names a real entry and pays once: no other row has it unless that row's
-- entry was reversed (0005). The rows inserted are visible here, so two rows of one
-- INSERT with the same reference are caught too.
CREATE FUNCTION riziki_references_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.channel, i.reference, i.entry_seq,
           CASE WHEN e.seq IS NULL THEN 'unknown_entry' ELSE 'duplicate_reference' END AS reason
    INTO bad
    FROM inserted i
    LEFT JOIN LATERAL (SELECT x.seq FROM entries x WHERE x.seq = i.entry_seq OFFSET 0) e ON true
    LEFT JOIN LATERAL (
        SELECT true AS taken FROM payment_references p
        LEFT JOIN LATERAL (SELECT true AS gone FROM entries r
                           WHERE r.reverses = p.entry_seq OFFSET 0) reversed ON true
        WHERE p.channel = i.channel AND p.reference = i.reference
          AND p.entry_seq <> i.entry_seq AND reversed.gone IS NULL
        LIMIT 1) other ON true
    WHERE e.seq IS NULL OR other.taken
    ORDER BY i.entry_seq LIMIT 1;
    IF bad.reason = 'unknown_entry' THEN
        RAISE EXCEPTION 'riziki:unknown_entry payment reference % % names entry %',
            bad.channel, bad.reference, bad.entry_seq;
    ELSIF FOUND THEN
        RAISE EXCEPTION 'riziki:duplicate_reference % reference % is in use',
            bad.channel, bad.reference;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER payment_references_after AFTER INSERT ON payment_references
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_references_after();

-- An idempotency record answered by an entry names a real one.
CREATE FUNCTION riziki_idempotency_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.entry_seq INTO bad
    FROM inserted i
    LEFT JOIN LATERAL (SELECT x.seq FROM entries x WHERE x.seq = i.entry_seq OFFSET 0) e ON true
    WHERE i.entry_seq IS NOT NULL AND e.seq IS NULL
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:unknown_entry idempotency record names entry %', bad.entry_seq;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER idempotency_keys_after AFTER INSERT ON idempotency_keys
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_idempotency_after();
