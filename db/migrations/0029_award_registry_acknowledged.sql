-- An award for a survivor with a consortium registry match nobody acknowledged is refused
-- (SPEC §16, docs/registry.md): another organisation of the consortium may support them, and
-- finance acknowledges each match first. Checked here as well as in the core
-- (ledger::check_award, rule 5). The request's acknowledgements are inserted before the award
-- in the award's transaction, so an acknowledged match passes; a match the hub answered while
-- the award was being checked does not.
CREATE FUNCTION riziki_award_registry_acknowledged() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM registry_matches m
               WHERE m.survivor = NEW.survivor
                 AND NOT EXISTS (SELECT 1 FROM registry_acknowledgements a
                                 WHERE a.survivor = m.survivor AND a.match = m.match)) THEN
        RAISE EXCEPTION 'riziki:registry_match_unacknowledged award for % with a registry match nobody acknowledged',
            NEW.survivor;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER awards_registry_acknowledged BEFORE INSERT ON awards
    FOR EACH ROW EXECUTE FUNCTION riziki_award_registry_acknowledged();
