-- Tokens keyed with the server's secret, expiring and revocable (issue 18; docs/privacy.md
-- "Credentials", docs/security.md).
--
-- A token is stored as token_hmac = HMAC-SHA-256(subkey 4 of a PII key, SHA-256(token))
-- with the id of that key. Whoever holds only the database cannot compute it, so cannot
-- mint a token by inserting a row. Rows written before this migration hold the plain
-- SHA-256 (token_sha256): the server re-keys them at its first start after the upgrade
-- (it has the key; the SHA-256 is all it needs) and clears token_sha256.
--
-- riziki_app keeps SELECT (the lookup, GET /v1/tokens) and loses INSERT: tokens are made by
-- `riziki token create` as the schema owner. It changes a token only through the two
-- functions below, each of which does one narrow thing.

ALTER TABLE tokens
    ALTER COLUMN token_sha256 DROP NOT NULL,
    ADD COLUMN token_hmac bytea UNIQUE CHECK (octet_length(token_hmac) = 32),
    ADD COLUMN key_id text CHECK (key_id ~ '^[0-9a-f]{16}$'),
    ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '90 days',
    ADD COLUMN revoked_at timestamptz,
    -- A token is keyed (hmac and key id) or, from before this migration, plain: never both.
    ADD CONSTRAINT tokens_keyed CHECK ((token_hmac IS NULL) = (key_id IS NULL)
                                       AND (token_hmac IS NULL) <> (token_sha256 IS NULL)),
    ADD CONSTRAINT tokens_expire_after_creation CHECK (expires_at > created_at),
    ADD CONSTRAINT tokens_revoked_after_creation CHECK (revoked_at >= created_at);

-- The DEFAULT above gave every existing token 90 days from now: none lives forever.

-- A new row is keyed, and expires within a year of its creation (the CLI's limit too; rows
-- from before this migration may be older than a year and are not checked again).
CREATE FUNCTION riziki_token_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.token_sha256 IS NOT NULL OR NEW.token_hmac IS NULL THEN
        RAISE EXCEPTION 'riziki:token_not_keyed a new token is stored keyed (token_hmac)';
    END IF;
    IF NEW.expires_at > NEW.created_at + interval '1 year' THEN
        RAISE EXCEPTION 'riziki:token_expiry_too_far a token expires within a year';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tokens_insert BEFORE INSERT ON tokens
    FOR EACH ROW EXECUTE FUNCTION riziki_token_insert();

-- What may change in a token, for everyone (the owner included): it is re-keyed (a new
-- hmac and key id, the plain SHA-256 cleared, never set), and revoked once. Its id, name,
-- role, funds, creation and expiry never change, and it is never deleted: the audit log
-- and journal name tokens by id.
CREATE FUNCTION riziki_token_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'riziki:append_only tokens are revoked, never deleted';
    END IF;
    IF NEW.id <> OLD.id OR NEW.name <> OLD.name OR NEW.role <> OLD.role
       OR NEW.funds <> OLD.funds OR NEW.created_at <> OLD.created_at
       OR NEW.expires_at <> OLD.expires_at
       OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
       OR (NEW.token_sha256 IS NOT NULL AND NEW.token_sha256 IS DISTINCT FROM OLD.token_sha256)
    THEN
        RAISE EXCEPTION 'riziki:append_only a token is only re-keyed or revoked';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER tokens_no_update ON tokens;
CREATE TRIGGER tokens_update BEFORE UPDATE OR DELETE ON tokens
    FOR EACH ROW EXECUTE FUNCTION riziki_token_update();

-- The lookup: by (key id, hmac) pairs, live tokens only.
CREATE INDEX tokens_live ON tokens (token_hmac) WHERE revoked_at IS NULL;

-- Re-keys token p_id from key p_from_key to (p_key, p_hmac), when it is still under
-- p_from_key and not revoked: a token that authenticated under a retiring key. Answers
-- whether it changed it.
CREATE FUNCTION riziki_token_rekey(p_id bigint, p_from_key text, p_key text, p_hmac bytea)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE public.tokens SET token_hmac = p_hmac, key_id = p_key
    WHERE id = p_id AND key_id = p_from_key AND revoked_at IS NULL;
    RETURN FOUND;
END $$;
REVOKE ALL ON FUNCTION riziki_token_rekey(bigint, text, text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_token_rekey(bigint, text, text, bytea) TO riziki_app;

-- Revokes token p_id now unless it already is: answers its revocation time and whether
-- this call revoked it; no row when there is no such token.
CREATE FUNCTION riziki_token_revoke(p_id bigint, OUT revoked_at timestamptz,
                                    OUT newly boolean)
RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN QUERY
    UPDATE public.tokens t SET revoked_at = now()
    WHERE t.id = p_id AND t.revoked_at IS NULL RETURNING t.revoked_at, true;
    IF NOT FOUND THEN
        RETURN QUERY SELECT t.revoked_at, false FROM public.tokens t WHERE t.id = p_id;
    END IF;
END $$;
REVOKE ALL ON FUNCTION riziki_token_revoke(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_token_revoke(bigint) TO riziki_app;

REVOKE INSERT ON tokens FROM riziki_app;
REVOKE USAGE ON SEQUENCE tokens_id_seq FROM riziki_app;
