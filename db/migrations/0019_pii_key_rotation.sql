-- PII key rotation (issue 17 item 5; docs/privacy.md "Key rotation"). `riziki pii
-- rotate-key` re-seals every vault row under a new key while the server runs, then retires
-- the old keys. riziki_app still has no UPDATE or DELETE on the vault tables: it may only
-- call the two functions below, each of which does one narrow thing.

-- Keys a rotation finished with. No vault row may be sealed under one again, and index rows
-- under one are not kept: a server that has not yet noticed the rotation's end (it reads
-- the key file again on its next vault use) cannot leave anything under the old key.
CREATE TABLE pii_retired_keys (
    key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    retired_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON pii_retired_keys FROM PUBLIC;
GRANT SELECT ON pii_retired_keys TO riziki_app;

-- Every insert into the vault tables takes this lock shared, retiring takes it exclusive:
-- a retirement waits for enrolments in flight to commit and then sees their rows, and an
-- enrolment after it sees the key retired.
CREATE FUNCTION riziki_vault_key_live() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(5231001917);
    IF EXISTS (SELECT 1 FROM public.pii_retired_keys r WHERE r.key_id = NEW.key_id) THEN
        IF TG_TABLE_NAME = 'survivor_blind_index' THEN
            RETURN NULL;  -- an index under a retired key is worthless: dropped
        END IF;
        RAISE EXCEPTION 'riziki:pii_key_retired PII key % is retired', NEW.key_id;
    END IF;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION riziki_vault_key_live() FROM PUBLIC;
CREATE TRIGGER survivor_pii_key_live BEFORE INSERT OR UPDATE ON survivor_pii
    FOR EACH ROW EXECUTE FUNCTION riziki_vault_key_live();
CREATE TRIGGER survivor_blind_index_key_live BEFORE INSERT OR UPDATE ON survivor_blind_index
    FOR EACH ROW EXECUTE FUNCTION riziki_vault_key_live();

-- Replaces one survivor's sealed row, and all its blind-index rows with the ones given
-- (under p_new_key; NULL for an identifier it has none of), only while the row is still
-- sealed under p_old_key. Answers -1 and changes nothing when the row is gone (erased) or
-- no longer under p_old_key (another rotator re-sealed it first: the row lock makes the
-- second wait and then find it changed). Otherwise answers how many of the new index
-- values another survivor already holds (not inserted: a double enrolment from before the
-- phone rule of issue 16, for a person to look at).
CREATE FUNCTION riziki_pii_reseal(p_survivor text, p_old_key text, p_new_key text,
                                  p_nonce bytea, p_ciphertext bytea,
                                  p_national_id bytea, p_phone bytea) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    wanted integer := (p_national_id IS NOT NULL)::integer + (p_phone IS NOT NULL)::integer;
    inserted integer;
BEGIN
    UPDATE public.survivor_pii
    SET key_id = p_new_key, nonce = p_nonce, ciphertext = p_ciphertext
    WHERE survivor = p_survivor AND key_id = p_old_key;
    IF NOT FOUND THEN
        RETURN -1;
    END IF;
    DELETE FROM public.survivor_blind_index WHERE survivor = p_survivor;
    INSERT INTO public.survivor_blind_index (kind, digest, survivor, key_id)
    SELECT i.kind, i.digest, p_survivor, p_new_key
    FROM (VALUES ('national_id', p_national_id), ('phone', p_phone)) AS i (kind, digest)
    WHERE i.digest IS NOT NULL
    ON CONFLICT (kind, digest) DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN wanted - inserted;
END $$;
REVOKE ALL ON FUNCTION riziki_pii_reseal(text, text, text, bytea, bytea, bytea, bytea)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_pii_reseal(text, text, text, bytea, bytea, bytea, bytea)
    TO riziki_app;

-- Retires p_retired once no vault row is sealed under any key but p_current: records them,
-- and deletes every index row not under p_current (rows of survivors enrolled while the
-- rotation ran were indexed under each key of the ring). Answers how many vault rows are
-- still under another key; when that is not 0 nothing changed.
CREATE FUNCTION riziki_pii_retire_keys(p_current text, p_retired text[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    remaining bigint;
BEGIN
    IF p_current = ANY (p_retired) THEN
        RAISE EXCEPTION 'riziki:pii_key_retired the current PII key % cannot be retired',
            p_current;
    END IF;
    PERFORM pg_advisory_xact_lock(5231001917);
    SELECT count(*) INTO remaining FROM public.survivor_pii WHERE key_id <> p_current;
    IF remaining > 0 THEN
        RETURN remaining;
    END IF;
    INSERT INTO public.pii_retired_keys (key_id)
    SELECT k FROM unnest(p_retired) AS k
    UNION SELECT DISTINCT key_id FROM public.survivor_blind_index WHERE key_id <> p_current
    ON CONFLICT (key_id) DO NOTHING;
    DELETE FROM public.survivor_blind_index WHERE key_id <> p_current;
    RETURN 0;
END $$;
REVOKE ALL ON FUNCTION riziki_pii_retire_keys(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_pii_retire_keys(text, text[]) TO riziki_app;
