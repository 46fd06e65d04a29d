-- The award lifecycle as ledger::status_change_allowed defines it (ledger/awards.cpp).
-- The writer stores one status per award per batch, so a batch can make several lifecycle
-- steps at once: a disbursement and its full repayment move a loan from approved to
-- repaid. The list in 0010 allowed single steps only, so such a batch failed here and the
-- writer retried its entries one by one. Within a kind every status is reachable from
-- every other by steps, so a batch may move an award among its kind's statuses: a grant
-- among approved, active and closed; a loan among approved, active, repaid, written_off
-- and forgiven. A grant is never repaid or written off, a loan never closed. A database
-- test walks every kind and pair against the C++ function.
CREATE OR REPLACE FUNCTION riziki_award_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unchanged awards := NEW;
BEGIN
    unchanged.status := OLD.status;
    IF unchanged IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'riziki:append_only only an award''s status may change';
    END IF;
    IF OLD.status <> NEW.status AND NOT (
        (NEW.kind = 'grant' AND OLD.status IN ('approved', 'active', 'closed')
            AND NEW.status IN ('approved', 'active', 'closed'))
        OR (NEW.kind = 'loan'
            AND OLD.status IN ('approved', 'active', 'repaid', 'written_off', 'forgiven')
            AND NEW.status IN ('approved', 'active', 'repaid', 'written_off', 'forgiven'))) THEN
        RAISE EXCEPTION 'riziki:award_not_active award % cannot go from % to %',
            NEW.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END $$;
