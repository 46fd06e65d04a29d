-- An outcome is recorded only for a survivor who consented to follow-up (issue 16; SPEC §8;
-- docs/privacy.md): what a survivor's business did after enrolment is follow-up, and a
-- survivor who said no is not followed. The core checks it first (ledger::check_outcome,
-- in the insert's transaction); this trigger refuses the same row whoever inserts it.
-- Survivors are append-only (0003), so a consent read here cannot change afterwards.
-- Named to fire before outcomes_dated (row triggers fire in name order), as the core
-- checks consent before the date. Outcomes recorded before this migration stay as they
-- were: outcomes are append-only.
CREATE FUNCTION riziki_outcome_consented() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.survivors s
               WHERE s.code = NEW.survivor AND NOT s.consent_follow_up) THEN
        RAISE EXCEPTION 'riziki:follow_up_not_consented survivor % did not consent to follow-up',
            NEW.survivor;
    END IF;
    RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION riziki_outcome_consented() FROM PUBLIC;
CREATE TRIGGER outcomes_consented BEFORE INSERT ON outcomes
    FOR EACH ROW EXECUTE FUNCTION riziki_outcome_consented();
