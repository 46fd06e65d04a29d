-- The awards' list keys of migration 0023 move to a narrow table of their own (issue 18's
-- write-path regression, docs/performance.md "Session 13"). On `awards` they made every
-- repayment rewrite the award's wide row: `oldest_unpaid_due_on` is indexed, so the update
-- was never HOT and wrote an entry into each of the table's eight indexes, costing the
-- journal writer about a quarter of its throughput. Here a repayment that moves the due date
-- rewrites one short row and three index entries (its key and the two late orders), and the
-- award's row changes only with its status, as before migration 0023.
--
-- Every award has exactly one row (made by a trigger when the award is inserted); the writer
-- updates the two dates in the transaction of the entry that changed them; `riziki verify`
-- re-derives them (its award_statuses check); migrating fills them from the postings
-- (db/migrate.cpp runs db::store_award_list_keys right after this script).

-- The target of the keys' foreign key below.
ALTER TABLE awards ADD CONSTRAINT awards_id_fund UNIQUE (id, fund);

CREATE TABLE award_list_keys (
    award text PRIMARY KEY,
    fund text NOT NULL,
    oldest_unpaid_due_on date,
    first_disbursed_on date,
    -- The fund is the award's (it orders a fund's late loans without reading awards).
    FOREIGN KEY (award, fund) REFERENCES awards (id, fund)
);

INSERT INTO award_list_keys (award, fund, oldest_unpaid_due_on, first_disbursed_on)
SELECT id, fund, oldest_unpaid_due_on, first_disbursed_on FROM awards;

DROP INDEX awards_late;
DROP INDEX awards_fund_late;
ALTER TABLE awards DROP CONSTRAINT awards_unpaid_only_active_loans;
ALTER TABLE awards DROP COLUMN oldest_unpaid_due_on;
ALTER TABLE awards DROP COLUMN first_disbursed_on;

-- An award's row: only its status may change again (as migration 0013 had it).
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

-- Each new award gets its keys' row, both dates empty (never disbursed, nothing due).
CREATE FUNCTION riziki_award_keys_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO award_list_keys (award, fund) VALUES (NEW.id, NEW.fund);
    RETURN NULL;
END $$;

CREATE TRIGGER awards_list_keys_row AFTER INSERT ON awards
    FOR EACH ROW EXECUTE FUNCTION riziki_award_keys_row();

-- Only the two dates change; the row is never deleted.
CREATE FUNCTION riziki_award_keys_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.award, NEW.fund) IS DISTINCT FROM (OLD.award, OLD.fund) THEN
        RAISE EXCEPTION 'riziki:append_only only an award''s list keys may change';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER award_list_keys_update BEFORE UPDATE ON award_list_keys
    FOR EACH ROW EXECUTE FUNCTION riziki_award_keys_update();
CREATE TRIGGER award_list_keys_no_delete BEFORE DELETE ON award_list_keys
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();

-- What the CHECK of migration 0023 said across the two tables: a due date only on an active
-- loan. Checked once per statement, after it, on the rows it changed. The writer changes an
-- award's status and its keys in one statement (db/writer_sql.cpp), so both checks see both.
CREATE FUNCTION riziki_award_due_only_active_loans(ids text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad text;
BEGIN
    SELECT k.award INTO bad FROM unnest(ids) AS c(id) JOIN award_list_keys k ON k.award = c.id
    JOIN awards a ON a.id = k.award
    WHERE k.oldest_unpaid_due_on IS NOT NULL AND NOT (a.kind = 'loan' AND a.status = 'active')
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'riziki:award_not_active award % has an installment due but is not an active loan', bad;
    END IF;
END $$;

CREATE FUNCTION riziki_award_keys_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM riziki_award_due_only_active_loans(ARRAY(SELECT award FROM changed_keys));
    RETURN NULL;
END $$;

CREATE TRIGGER award_list_keys_due_only_active_loans AFTER UPDATE ON award_list_keys
    REFERENCING NEW TABLE AS changed_keys
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_award_keys_changed();

CREATE FUNCTION riziki_award_status_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM riziki_award_due_only_active_loans(ARRAY(SELECT id FROM changed_awards));
    RETURN NULL;
END $$;

CREATE TRIGGER awards_due_only_active_loans AFTER UPDATE ON awards
    REFERENCING NEW TABLE AS changed_awards
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_award_status_changed();

REVOKE ALL ON award_list_keys FROM PUBLIC;
GRANT SELECT ON award_list_keys TO riziki_app;
GRANT UPDATE (oldest_unpaid_due_on, first_disbursed_on) ON award_list_keys TO riziki_app;

-- Keyset pages of late loans, with and without a fund (a donor's or a filter's).
CREATE INDEX award_list_keys_late ON award_list_keys (oldest_unpaid_due_on, award)
    WHERE oldest_unpaid_due_on IS NOT NULL;
CREATE INDEX award_list_keys_fund_late ON award_list_keys (fund, oldest_unpaid_due_on, award)
    WHERE oldest_unpaid_due_on IS NOT NULL;

-- The auditor dashboard's last verification (migration 0023 indexed every audit line by its
-- action, so each of the writer's entry.write lines paid an index entry for it): only the
-- verifications now.
DROP INDEX audit_log_action;
CREATE INDEX audit_log_verified ON audit_log (seq) WHERE action = 'audit.verify';
