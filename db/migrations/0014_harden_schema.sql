-- Hardening (issue 16): what the application role, riziki_app, could still do to the code
-- the owner runs.
--
-- SECURITY DEFINER functions run as the owner with the search_path they set. `public` alone
-- left pg_temp searched first for tables: riziki_app (which, like every role, may create
-- temporary tables) could put a temporary audit_head, journal_head or audit_log in front of
-- the real one inside the owner's triggers. And on a server older than PostgreSQL 15 every
-- role may create in schema public, where an object of the app's would meet the owner's
-- code. Each such function now searches pg_catalog, then public, then pg_temp last (the
-- order PostgreSQL's manual gives for SECURITY DEFINER), and only the owner may create in
-- public. A db test checks every SECURITY DEFINER function for this search_path, so later
-- migrations cannot drop it.

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
