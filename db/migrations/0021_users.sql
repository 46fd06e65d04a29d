-- People who sign in (issue 18 item 1, SPEC §12; docs/privacy.md "People who sign in").
-- Users with Argon2id password hashes, one-time set-password links, and cookie sessions.
-- Every credential here is keyed with a server secret (subkey 4 of the PII key file): a
-- password hash is Argon2id over HMAC(key, password), a link code and a session id are
-- stored as HMAC(key, SHA-256(secret)). A row written by someone who holds only the
-- database therefore authenticates no one. riziki_app may SELECT and INSERT; every change
-- to a row goes through one of the narrow functions below.

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    -- Lower case only (api/users.cpp lower-cases what people type), so "Amina" and "amina"
    -- are one account; the unique index on lower() says the same a second time.
    username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('admin', 'finance', 'field', 'donor', 'auditor')),
    funds text[] NOT NULL DEFAULT '{}',
    password_hash text CHECK (password_hash LIKE '$argon2id$%' AND length(password_hash) <= 256),
    key_id text CHECK (key_id ~ '^[0-9a-f]{16}$'),
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- A donor is scoped to at least one fund; other roles to none (as tokens).
    CHECK ((role = 'donor') = (cardinality(funds) > 0)),
    -- A hash is useless without the key it was peppered with: both or neither.
    CHECK ((password_hash IS NULL) = (key_id IS NULL))
);
CREATE UNIQUE INDEX users_username_unique ON users (lower(username));
REVOKE ALL ON users FROM PUBLIC;
GRANT SELECT, INSERT ON users TO riziki_app;
GRANT USAGE ON SEQUENCE users_id_seq TO riziki_app;

-- One-time set-password links: for a new user, and after an admin's reset. The code is
-- shown once; the row keeps HMAC(key, SHA-256(code)). A link is live while unused, not
-- replaced by a later link of the same user, and not expired.
CREATE TABLE password_links (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    code_digest bytea NOT NULL UNIQUE CHECK (octet_length(code_digest) = 32),
    key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    replaced_at timestamptz,
    CHECK (expires_at > created_at AND expires_at <= created_at + interval '7 days'),
    CHECK (used_at IS NULL OR replaced_at IS NULL)
);
CREATE INDEX password_links_user ON password_links (user_id);
REVOKE ALL ON password_links FROM PUBLIC;
GRANT SELECT ON password_links TO riziki_app;

-- Sessions: HMAC(key, SHA-256(session id)). Idle expiry 30 minutes, absolute 12 hours,
-- enforced here by riziki_session_use and again in C++ (api/sessions.cpp).
CREATE TABLE sessions (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    digest bytea NOT NULL UNIQUE CHECK (octet_length(digest) = 32),
    key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    CHECK (last_seen_at >= created_at)
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
REVOKE ALL ON sessions FROM PUBLIC;
GRANT SELECT, INSERT ON sessions TO riziki_app;
GRANT USAGE ON SEQUENCE sessions_id_seq TO riziki_app;

-- A new link for p_user: every live link of the user is replaced (dead) in the same
-- transaction, so at most one link of a user works at a time. When p_reset, the password
-- is cleared and the user's sessions end too (an admin's reset: the old password may be
-- known to someone else). Answers the link's id; 0 when there is no such user or it is
-- disabled.
CREATE FUNCTION riziki_password_link_issue(p_user bigint, p_digest bytea, p_key_id text,
                                           p_valid interval, p_reset boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    link bigint;
BEGIN
    PERFORM 1 FROM public.users WHERE id = p_user AND disabled_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    UPDATE public.password_links SET replaced_at = now()
    WHERE user_id = p_user AND used_at IS NULL AND replaced_at IS NULL;
    IF p_reset THEN
        UPDATE public.users SET password_hash = NULL, key_id = NULL WHERE id = p_user;
        UPDATE public.sessions SET ended_at = now() WHERE user_id = p_user AND ended_at IS NULL;
    END IF;
    INSERT INTO public.password_links (user_id, code_digest, key_id, expires_at)
    VALUES (p_user, p_digest, p_key_id, now() + p_valid) RETURNING id INTO link;
    RETURN link;
END $$;

-- Redeems a link: one use. The UPDATE takes the link only while used_at IS NULL, so of two
-- redemptions racing, the second finds no row. Sets the password and ends the user's
-- sessions. Answers the user's id; 0 when no live link has one of p_digests (unknown, used,
-- replaced or expired: the caller looks the link up first to say which).
CREATE FUNCTION riziki_password_link_redeem(p_digests bytea[], p_hash text, p_key_id text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target bigint;
BEGIN
    UPDATE public.password_links l SET used_at = now()
    FROM public.users u
    WHERE l.code_digest = ANY (p_digests) AND l.used_at IS NULL AND l.replaced_at IS NULL
      AND l.expires_at > now() AND u.id = l.user_id AND u.disabled_at IS NULL
    RETURNING l.user_id INTO target;
    IF target IS NULL THEN
        RETURN 0;
    END IF;
    UPDATE public.users SET password_hash = p_hash, key_id = p_key_id WHERE id = target;
    UPDATE public.sessions SET ended_at = now() WHERE user_id = target AND ended_at IS NULL;
    RETURN target;
END $$;

-- Sets a password without a link: `riziki user create --password-stdin`, and re-hashing at
-- login under the key file's current key. Refuses a disabled user (answers false).
CREATE FUNCTION riziki_user_set_password(p_user bigint, p_hash text, p_key_id text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE public.users SET password_hash = p_hash, key_id = p_key_id
    WHERE id = p_user AND disabled_at IS NULL;
    RETURN FOUND;
END $$;

-- Disables a user: no login, no link, and every session ends now. Answers false when the
-- user does not exist or was disabled before (nothing changes).
CREATE FUNCTION riziki_user_disable(p_user bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE public.users SET disabled_at = now() WHERE id = p_user AND disabled_at IS NULL;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE public.sessions SET ended_at = now() WHERE user_id = p_user AND ended_at IS NULL;
    UPDATE public.password_links SET replaced_at = now()
    WHERE user_id = p_user AND used_at IS NULL AND replaced_at IS NULL;
    RETURN true;
END $$;

-- The live session with one of p_digests, its last_seen_at moved to now. Live: not ended,
-- seen within 30 minutes, begun within 12 hours, its user not disabled. Answers the time
-- it was last seen before this use (for the C++ policy's second check) and the database's
-- now; no row when there is no live session.
CREATE FUNCTION riziki_session_use(p_digests bytea[])
RETURNS TABLE (session_id bigint, user_id bigint, created_at timestamptz,
               previous_seen_at timestamptz, seen_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN QUERY
    WITH live AS (
        SELECT s.id, s.last_seen_at FROM public.sessions s JOIN public.users u ON u.id = s.user_id
        WHERE s.digest = ANY (p_digests) AND s.ended_at IS NULL AND u.disabled_at IS NULL
          AND s.last_seen_at > now() - interval '30 minutes'
          AND s.created_at > now() - interval '12 hours'
        FOR UPDATE OF s
    )
    UPDATE public.sessions s SET last_seen_at = now() FROM live WHERE s.id = live.id
    RETURNING s.id, s.user_id, s.created_at, live.last_seen_at, now();
END $$;

-- Ends the session with one of p_digests (logout). Answers whether one was live.
CREATE FUNCTION riziki_session_end(p_digests bytea[]) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE public.sessions SET ended_at = now() WHERE digest = ANY (p_digests) AND ended_at IS NULL;
    RETURN FOUND;
END $$;

REVOKE ALL ON FUNCTION riziki_password_link_issue(bigint, bytea, text, interval, boolean),
    riziki_password_link_redeem(bytea[], text, text),
    riziki_user_set_password(bigint, text, text), riziki_user_disable(bigint),
    riziki_session_use(bytea[]), riziki_session_end(bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_password_link_issue(bigint, bytea, text, interval, boolean),
    riziki_password_link_redeem(bytea[], text, text),
    riziki_user_set_password(bigint, text, text), riziki_user_disable(bigint),
    riziki_session_use(bytea[]), riziki_session_end(bytea[]) TO riziki_app;
