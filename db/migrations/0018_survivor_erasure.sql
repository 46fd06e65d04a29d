-- Erasing a survivor's identity (issue 17; docs/privacy.md "Erasing a survivor's identity").
-- The survivor's vault row (survivor_pii) and blind indexes (survivor_blind_index) are
-- deleted; the pseudonymous survivor, the journal, awards and outcomes stay. Each erasure is
-- kept in survivor_erasures (who, when, why, which pseudonym; never who the survivor was),
-- so "erased" can be told apart from "never stored" and no identity is stored again for an
-- erased pseudonym.
--
-- riziki_app gets no DELETE on the vault: it erases through erase_survivor_pii(), which
-- deletes the two kinds of row, records the erasure, neutralises the fingerprint an
-- enrolment's Idempotency-Key kept of the request that carried the PII, and writes the audit
-- line, all in the caller's transaction.

-- The reasons are codes, never free text: a reason written by hand could hold the very name
-- or phone number being erased, and the audit log keeps it for ever.
CREATE TABLE survivor_erasures (
    survivor text PRIMARY KEY REFERENCES survivors (code),
    reason text NOT NULL
        CHECK (reason IN ('consent_withdrawn', 'retention_ended', 'safety', 'survivor_request')),
    erased_by text NOT NULL CHECK (length(erased_by) BETWEEN 1 AND 200),
    erased_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER survivor_erasures_append_only BEFORE UPDATE OR DELETE ON survivor_erasures
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER survivor_erasures_no_truncate BEFORE TRUNCATE ON survivor_erasures
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();

-- Once erased, never again: no vault or index row may name an erased survivor, whoever
-- writes it (a replayed enrolment, a re-sealing tool, the owner by hand).
CREATE FUNCTION riziki_pii_not_erased() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.survivor_erasures e WHERE e.survivor = NEW.survivor) THEN
        RAISE EXCEPTION 'riziki:pii_erased the identity of survivor % was erased', NEW.survivor;
    END IF;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION riziki_pii_not_erased() FROM PUBLIC;
CREATE TRIGGER survivor_pii_not_erased BEFORE INSERT OR UPDATE ON survivor_pii
    FOR EACH ROW EXECUTE FUNCTION riziki_pii_not_erased();
CREATE TRIGGER survivor_blind_index_not_erased BEFORE INSERT OR UPDATE ON survivor_blind_index
    FOR EACH ROW EXECUTE FUNCTION riziki_pii_not_erased();

-- Idempotency keys stay append-only, with one exception: a fingerprint (request_hash) may be
-- overwritten with 32 zero bytes, nothing else changing. An erasure does that to the key of
-- the survivor's enrolment, whose fingerprint is a keyed hash of the request that held the
-- name, phone and national id. The key itself stays spent: a retry of that enrolment under
-- it is refused (idempotency_key_reused) instead of enrolling the person again.
CREATE FUNCTION riziki_idempotency_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.request_hash = decode(repeat('00', 32), 'hex')
       AND (to_jsonb(NEW) - 'request_hash') = (to_jsonb(OLD) - 'request_hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'riziki:append_only % on % is not allowed', TG_OP, TG_TABLE_NAME;
END $$;
DROP TRIGGER idempotency_append_only ON idempotency_keys;
CREATE TRIGGER idempotency_append_only BEFORE UPDATE OR DELETE ON idempotency_keys
    FOR EACH ROW EXECUTE FUNCTION riziki_idempotency_append_only();

-- Erases the identity of `p_survivor` for `p_reason`, recorded as done by `p_actor` under
-- `p_request_id`. Answers 'none' when erased, 'survivor_not_found' or 'pii_erased' (erased
-- before: nothing changes). The survivor's row is locked (FOR NO KEY UPDATE, which does not
-- wait for awards or outcomes being added) so two erasures of one survivor run one after
-- the other and the second finds the first.
CREATE FUNCTION erase_survivor_pii(p_survivor text, p_reason text, p_actor text,
                                   p_request_id text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM public.survivors s WHERE s.code = p_survivor FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN 'survivor_not_found';
    END IF;
    IF EXISTS (SELECT 1 FROM public.survivor_erasures e WHERE e.survivor = p_survivor) THEN
        RETURN 'pii_erased';
    END IF;
    INSERT INTO public.survivor_erasures (survivor, reason, erased_by)
    VALUES (p_survivor, p_reason, p_actor);
    DELETE FROM public.survivor_blind_index b WHERE b.survivor = p_survivor;
    DELETE FROM public.survivor_pii p WHERE p.survivor = p_survivor;
    -- The enrolment's key: a create's (no entry) whose kept answer is this survivor's
    -- record. The text is searched before it is parsed, so only answers naming the
    -- survivor are read as JSON.
    UPDATE public.idempotency_keys k SET request_hash = decode(repeat('00', 32), 'hex')
    WHERE k.entry_seq IS NULL
      AND CASE WHEN strpos(k.response, p_survivor) > 0
               THEN k.response::jsonb ->> 'code' = p_survivor
                    AND k.response::jsonb ? 'enrolled_on'
               ELSE false END
      AND k.request_hash <> decode(repeat('00', 32), 'hex');
    INSERT INTO public.audit_log (actor, request_id, action, subject, detail)
    VALUES (p_actor, p_request_id, 'survivor.erase', p_survivor, 'reason=' || p_reason);
    RETURN 'none';
END $$;
REVOKE ALL ON FUNCTION erase_survivor_pii(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_survivor_pii(text, text, text, text) TO riziki_app;

REVOKE ALL ON survivor_erasures FROM PUBLIC;
GRANT SELECT ON survivor_erasures TO riziki_app;
