-- The read side's lists (issue 18 item 4, SPEC §13; docs/api.md "Lists"). Each list pages
-- by keyset on an order that ends in a unique column, and each order has an index, so a
-- page costs the same at 100,000 survivors and 2,000,000 entries as at ten.

-- A fund's figures as GET /v1/funds/{code} folds them (ledger::add_posting), summed per
-- fund, account and event counted under, kept in step by a statement trigger on postings as
-- daily_balances is: GET /v1/funds lists every fund's balances from here without reading a
-- posting. `first_on` is the earliest effective date among the sums' postings, as the fold
-- of postings (Programme::fund_figures) is given. Only the trigger (the owner's) writes it:
-- the service's role may only read it. Like daily_balances, a derived copy: the postings
-- stay the record, and GET /v1/funds/{code}?as_of= still sums them.
CREATE TABLE fund_sums (
    fund text NOT NULL,
    account text NOT NULL,
    counts_as text NOT NULL,
    amount_minor numeric(39,0) NOT NULL,
    first_on date NOT NULL,
    PRIMARY KEY (fund, account, counts_as)
);
REVOKE ALL ON fund_sums FROM PUBLIC;
GRANT SELECT ON fund_sums TO riziki_app;

INSERT INTO fund_sums (fund, account, counts_as, amount_minor, first_on)
SELECT fund, account, counts_as, sum(amount_minor), min(effective_on)
FROM postings GROUP BY 1, 2, 3;

CREATE FUNCTION riziki_fund_sums_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO public.fund_sums AS s (fund, account, counts_as, amount_minor, first_on)
    SELECT i.fund, i.account, i.counts_as, sum(i.amount_minor), min(i.effective_on)
    FROM inserted i GROUP BY 1, 2, 3
    ON CONFLICT (fund, account, counts_as) DO UPDATE
    SET amount_minor = s.amount_minor + EXCLUDED.amount_minor,
        first_on = LEAST(s.first_on, EXCLUDED.first_on);
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION riziki_fund_sums_after() FROM PUBLIC;
CREATE TRIGGER postings_fund_sums AFTER INSERT ON postings
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
    EXECUTE FUNCTION riziki_fund_sums_after();

-- GET /v1/survivors: in code order (the primary key), or within a cohort, a county or a
-- range of enrolment dates.
DROP INDEX survivors_cohort;
CREATE INDEX survivors_cohort ON survivors (cohort, code);
CREATE INDEX survivors_county ON survivors (county, code);
CREATE INDEX survivors_enrolled_on ON survivors (enrolled_on, code);

-- GET /v1/outcomes: newest first, or within dates (a survivor's: outcomes_survivor).
CREATE INDEX outcomes_observed_on ON outcomes (observed_on, id);

-- GET /v1/funds/{code}/receipts: a fund's receipts (and their reversals' 4100 postings),
-- newest first, and each one's reference.
CREATE INDEX postings_receipts ON postings (fund, entry_seq)
    WHERE account = '4100' AND counts_as = 'receipt';
CREATE INDEX payment_references_entry ON payment_references (entry_seq);
