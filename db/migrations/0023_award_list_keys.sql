-- The awards list and the dashboards (issue 18 items 4 and 5; SPEC §13): GET /v1/awards
-- sorts and filters by days late, and the field dashboard finds follow-ups due, at 100,000
-- survivors within 100 ms. Days late depend on today, on the loan's schedule and on what
-- was repaid, and the schedule is C++ (ledger/), so no query can compute them. What does
-- not depend on today is kept on the award by the journal writer, in the transaction of the
-- entry that changed it, beside the status it already keeps:
--   oldest_unpaid_due_on  the due date of the oldest installment of an active loan not fully
--                         paid (ledger::oldest_unpaid_due_on); days late on day D are
--                         D - oldest_unpaid_due_on when that is on or before D, else 0;
--   first_disbursed_on    the day of the award's first disbursement still standing
--                         (ledger::AwardFigures::first_disbursed_on), from which follow-ups
--                         fall due.
-- Both are derived from postings: `riziki verify` re-derives them (its award_statuses
-- check). Migrating fills them for the books as they stand (db/migrate.cpp runs
-- db::store_award_list_keys right after this script, in its transaction).

ALTER TABLE awards
    ADD COLUMN oldest_unpaid_due_on date,
    ADD COLUMN first_disbursed_on date,
    ADD CONSTRAINT awards_unpaid_only_active_loans
        CHECK (oldest_unpaid_due_on IS NULL OR (kind = 'loan' AND status = 'active'));

-- The status and the two dates may change; nothing else.
CREATE OR REPLACE FUNCTION riziki_award_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unchanged awards := NEW;
BEGIN
    unchanged.status := OLD.status;
    unchanged.oldest_unpaid_due_on := OLD.oldest_unpaid_due_on;
    unchanged.first_disbursed_on := OLD.first_disbursed_on;
    IF unchanged IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'riziki:append_only only an award''s status and list keys may change';
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

GRANT UPDATE (oldest_unpaid_due_on, first_disbursed_on) ON awards TO riziki_app;

-- Keyset pages: (sort key, id), with and without a fund (a donor's or a filter's).
CREATE INDEX awards_late ON awards (oldest_unpaid_due_on, id)
    WHERE oldest_unpaid_due_on IS NOT NULL;
CREATE INDEX awards_fund_late ON awards (fund, oldest_unpaid_due_on, id)
    WHERE oldest_unpaid_due_on IS NOT NULL;
CREATE INDEX awards_approved ON awards (approved_on, id);
CREATE INDEX awards_fund_approved ON awards (fund, approved_on, id);
CREATE INDEX awards_fund_id ON awards (fund, id);

-- The field dashboard: a field officer's own enrolments, newest first.
CREATE INDEX survivors_recorded_by ON survivors (recorded_by, enrolled_on, code);

-- The auditor dashboard: the last verification.
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The finance dashboard: this month's money in and out of each fund's cash accounts.
CREATE INDEX postings_cash_by_day ON postings (effective_on) INCLUDE (fund, amount_minor)
    WHERE account IN ('1010', '1020', '1030');
