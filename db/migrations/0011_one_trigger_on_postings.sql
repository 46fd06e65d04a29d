-- One statement trigger on postings, and award limits that read the event each posting
-- counts as. Measured with the API benchmark, the two statement triggers on postings cost
-- 15-20 % of the write path's throughput (with them disabled, for a measurement only,
-- 4,349-4,410 -> 5,074-5,378 entries/s), much of it fixed per batch: two trigger calls and
-- six statements whatever the number of postings; and the award limits probed each
-- posting's entry three times to learn its event, which every posting carries since 0007
-- (`counts_as`: the entry's event, or for a reversal the event of the entry it reverses;
-- the first query below refuses a posting whose counts_as is not its entry's). The rules of
-- 0007's riziki_postings_after and of the award limits (0003, 0006, 0007) now live in one
-- function:
--
-- * One query checks each posting against its entry, the catalog and, for a posting that
--   counts as an award event, its award: it names an award of its fund and survivor.
--   Reversals of award events are now held to that too (they repeat, negated, postings
--   that were). A posting's own fault is reported before an award fault, as when they were
--   two triggers.
-- * The day's balances move as before.
-- * The approval limit (an award's postings counted as disbursements never exceed its
--   approval) and the cash limit (a disbursement leaves its fund's cash at or above zero;
--   reversals are still not held to it) run after the balances moved, and only when a
--   posting counts as a disbursement: a repayment's batch skips both queries. The approval
--   limit now also runs when a disbursement is reversed, which only lowers the sum.
CREATE OR REPLACE FUNCTION riziki_postings_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
    disbursing boolean;
BEGIN
    SELECT faults.entry_seq, faults.line, faults.reason INTO bad
    FROM (
        SELECT i.entry_seq, i.line,
               CASE WHEN e.seq IS NULL THEN 'unknown_entry'
                    WHEN i.line >= e.posting_count THEN 'posting_line_out_of_range'
                    WHEN i.effective_on <> e.effective_on
                      OR i.counts_as <> COALESCE(o.event, e.event) THEN 'posting_entry_mismatch'
                    WHEN a.code IS NULL THEN 'unknown_account'
                    WHEN f.code IS NULL THEN 'unknown_fund'
                    WHEN f.currency <> i.currency THEN 'currency_mismatch'
                    ELSE 'award_not_found'
               END AS reason
        FROM inserted i
        LEFT JOIN LATERAL (SELECT x.seq, x.posting_count, x.effective_on, x.event, x.reverses
                           FROM entries x WHERE x.seq = i.entry_seq OFFSET 0) e ON true
        LEFT JOIN LATERAL (SELECT y.event FROM entries y WHERE y.seq = e.reverses OFFSET 0) o
            ON true
        LEFT JOIN accounts a ON a.code = i.account
        LEFT JOIN funds f ON f.code = i.fund
        LEFT JOIN LATERAL (SELECT w.id, w.fund, w.survivor FROM awards w
                           WHERE w.id = i.award OFFSET 0) aw ON true
        WHERE e.seq IS NULL OR i.line >= e.posting_count OR i.effective_on <> e.effective_on
           OR i.counts_as <> COALESCE(o.event, e.event) OR a.code IS NULL OR f.code IS NULL
           OR f.currency <> i.currency
           OR (i.counts_as IN ('disbursement', 'repayment', 'write_off', 'forgiveness',
                               'recovery')
               AND (aw.id IS NULL OR aw.fund <> i.fund OR aw.survivor IS DISTINCT FROM i.survivor)
               AND NOT (i.award IS NULL AND i.account = '5300'))) faults
    ORDER BY faults.reason = 'award_not_found', faults.entry_seq, faults.line LIMIT 1;
    IF FOUND THEN
        IF bad.reason = 'award_not_found' THEN
            RAISE EXCEPTION 'riziki:award_not_found entry % line % names no award of its fund',
                bad.entry_seq, bad.line;
        END IF;
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

    -- The award limits, after the balances moved (the cash limit reads them).
    SELECT EXISTS (SELECT 1 FROM inserted i WHERE i.counts_as = 'disbursement')
    INTO disbursing;
    IF NOT disbursing THEN
        RETURN NULL;
    END IF;

    SELECT d.award AS id INTO bad
    FROM (SELECT DISTINCT i.award FROM inserted i
          WHERE i.counts_as = 'disbursement' AND i.award IS NOT NULL) d
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
          WHERE i.counts_as = 'disbursement' AND e.event = 'disbursement') f
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

DROP TRIGGER postings_award_limits ON postings;
DROP FUNCTION riziki_award_limits();
