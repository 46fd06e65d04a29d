-- Each posting carries two facts of its entry: the day it takes effect, and the event it
-- counts under (the entry's event, or for a reversal the event of the entry it reverses).
-- Every read by fund, award or day (reports, award figures, the award limits below) then
-- needs no join to entries: a loan fund's report read at 2,000,000 entries was a hash join
-- over every entry up to the period's end. The writer fills both columns; the statement
-- trigger below refuses a posting whose facts differ from its entry's, and verify checks
-- them again.

ALTER TABLE postings ADD COLUMN effective_on date, ADD COLUMN counts_as text;

-- The journal is append-only; this one backfill of existing rows is the only exception.
ALTER TABLE postings DISABLE TRIGGER postings_append_only;
UPDATE postings p
SET effective_on = e.effective_on, counts_as = COALESCE(o.event, e.event)
FROM entries e LEFT JOIN entries o ON o.seq = e.reverses
WHERE e.seq = p.entry_seq;
ALTER TABLE postings ENABLE TRIGGER postings_append_only;
ALTER TABLE postings ALTER COLUMN effective_on SET NOT NULL,
                     ALTER COLUMN counts_as SET NOT NULL;

-- As in 0006, every lookup is a LATERAL ... OFFSET 0 probe by primary key; the rules are
-- those of 0006 plus the check of the carried facts, and the balance deltas take the day
-- from the posting instead of probing its entry.
CREATE OR REPLACE FUNCTION riziki_postings_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.entry_seq, i.line,
           CASE WHEN e.seq IS NULL THEN 'unknown_entry'
                WHEN i.line >= e.posting_count THEN 'posting_line_out_of_range'
                WHEN i.effective_on <> e.effective_on
                  OR i.counts_as <> COALESCE(o.event, e.event) THEN 'posting_entry_mismatch'
                WHEN a.code IS NULL THEN 'unknown_account'
                WHEN f.code IS NULL THEN 'unknown_fund'
                WHEN f.currency <> i.currency THEN 'currency_mismatch'
           END AS reason
    INTO bad
    FROM inserted i
    LEFT JOIN LATERAL (SELECT x.seq, x.posting_count, x.effective_on, x.event, x.reverses
                       FROM entries x WHERE x.seq = i.entry_seq OFFSET 0) e ON true
    LEFT JOIN LATERAL (SELECT y.event FROM entries y WHERE y.seq = e.reverses OFFSET 0) o
        ON true
    LEFT JOIN accounts a ON a.code = i.account
    LEFT JOIN funds f ON f.code = i.fund
    WHERE e.seq IS NULL OR i.line >= e.posting_count OR i.effective_on <> e.effective_on
       OR i.counts_as <> COALESCE(o.event, e.event) OR a.code IS NULL OR f.code IS NULL
       OR f.currency <> i.currency
    ORDER BY i.entry_seq, i.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:% entry % line %', bad.reason, bad.entry_seq, bad.line;
    END IF;

    WITH deltas AS (
        SELECT i.account, i.fund, i.currency, i.effective_on AS day, sum(i.amount_minor) AS delta
        FROM inserted i
        GROUP BY i.account, i.fund, i.currency, i.effective_on),
    shifted AS (
        SELECT b2.tid, sum(d.delta) AS through,
               COALESCE(sum(d.delta) FILTER (WHERE d.day = b2.day), 0) AS same_day
        FROM deltas d
        CROSS JOIN LATERAL (SELECT x.ctid AS tid, x.day FROM daily_balances x
                            WHERE x.account = d.account AND x.fund = d.fund
                              AND x.currency = d.currency AND x.day >= d.day OFFSET 0) b2
        GROUP BY b2.tid)
    UPDATE daily_balances b
    SET closing_minor = b.closing_minor + s.through,
        delta_minor = b.delta_minor + s.same_day
    FROM shifted s
    WHERE b.ctid = s.tid;

    WITH deltas AS (
        SELECT i.account, i.fund, i.currency, i.effective_on AS day, sum(i.amount_minor) AS delta
        FROM inserted i
        GROUP BY i.account, i.fund, i.currency, i.effective_on)
    INSERT INTO daily_balances (account, fund, currency, day, delta_minor, closing_minor)
    SELECT d.account, d.fund, d.currency, d.day, d.delta,
           COALESCE(p.closing_minor, 0) +
           (SELECT sum(d2.delta) FROM deltas d2
            WHERE d2.account = d.account AND d2.fund = d.fund AND d2.currency = d.currency
              AND d2.day <= d.day AND (p.day IS NULL OR d2.day > p.day))
    FROM deltas d
    LEFT JOIN LATERAL (
        SELECT b.day, b.closing_minor FROM daily_balances b
        WHERE b.account = d.account AND b.fund = d.fund AND b.currency = d.currency
          AND b.day < d.day
        ORDER BY b.day DESC LIMIT 1) p ON true
    LEFT JOIN LATERAL (
        SELECT true AS stored FROM daily_balances b
        WHERE b.account = d.account AND b.fund = d.fund AND b.currency = d.currency
          AND b.day = d.day OFFSET 0) same ON true
    WHERE same.stored IS NULL;
    RETURN NULL;
END $$;

-- The award limits of 0006; an award's disbursed total sums its postings by the event they
-- carry, one index range of the award with no probe per posting. Which checks run is still
-- decided by the inserted entry's own event (a reversal is not a disbursement).
CREATE OR REPLACE FUNCTION riziki_award_limits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.entry_seq, i.line INTO bad
    FROM inserted i
    CROSS JOIN LATERAL (SELECT x.event FROM entries x WHERE x.seq = i.entry_seq OFFSET 0) e
    LEFT JOIN LATERAL (SELECT y.id, y.fund, y.survivor FROM awards y
                       WHERE y.id = i.award OFFSET 0) a ON true
    WHERE e.event IN ('disbursement', 'repayment', 'write_off', 'forgiveness', 'recovery')
      AND (a.id IS NULL OR a.fund <> i.fund OR a.survivor IS DISTINCT FROM i.survivor)
      AND NOT (i.award IS NULL AND i.account = '5300')
    ORDER BY i.entry_seq, i.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:award_not_found entry % line % names no award of its fund',
            bad.entry_seq, bad.line;
    END IF;

    SELECT d.award AS id INTO bad
    FROM (SELECT DISTINCT i.award FROM inserted i
          CROSS JOIN LATERAL (SELECT x.event FROM entries x
                              WHERE x.seq = i.entry_seq OFFSET 0) e
          WHERE e.event = 'disbursement' AND i.award IS NOT NULL) d
    CROSS JOIN LATERAL (SELECT y.approved_minor FROM awards y WHERE y.id = d.award OFFSET 0) a
    WHERE (SELECT COALESCE(sum(p.amount_minor), 0)
           FROM postings p
           WHERE p.award = d.award AND p.account IN ('1100', '5100', '5110')
             AND p.counts_as = 'disbursement') > a.approved_minor
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:exceeds_award award % is disbursed beyond its approval', bad.id;
    END IF;

    SELECT f.fund INTO bad
    FROM (SELECT DISTINCT i.fund FROM inserted i
          CROSS JOIN LATERAL (SELECT x.event FROM entries x
                              WHERE x.seq = i.entry_seq OFFSET 0) e
          WHERE e.event = 'disbursement') f
    WHERE (SELECT COALESCE(sum(last.closing_minor), 0) FROM (
               SELECT DISTINCT ON (b.account) b.closing_minor
               FROM daily_balances b
               WHERE b.fund = f.fund AND b.account IN ('1010', '1020', '1030')
               ORDER BY b.account, b.day DESC) last) < 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:insufficient_fund_balance fund % would go below zero cash',
            bad.fund;
    END IF;
    RETURN NULL;
END $$;
