-- The award limits (0003, rewritten in 0006 and 0007) found each posting's event by probing
-- its entry: three probes of `entries` per posting per INSERT, though every posting carries
-- the event it counts under since 0007 (`counts_as`, the entry's event, or for a reversal
-- the event of the entry it reverses). postings_after, which runs before this trigger
-- (triggers on one event fire in name order), has refused any posting whose counts_as is
-- not its entry's. The limits now read counts_as:
--
-- * An award event's posting names an award of its fund and survivor. Reversals of award
--   events are now held to it too; they repeat, negated, postings that were.
-- * An award is not disbursed beyond its approval. The sum was always over the postings
--   counted as disbursements; now the check also runs when a disbursement is reversed,
--   which only lowers the sum.
-- * A disbursement leaves its fund's cash at or above zero. Unchanged: reversals are still
--   not held to it (reversing a disbursement adds cash); counts_as only spares the probe
--   for every posting that is not counted as a disbursement.
CREATE OR REPLACE FUNCTION riziki_award_limits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.entry_seq, i.line INTO bad
    FROM inserted i
    LEFT JOIN LATERAL (SELECT y.id, y.fund, y.survivor FROM awards y
                       WHERE y.id = i.award OFFSET 0) a ON true
    WHERE i.counts_as IN ('disbursement', 'repayment', 'write_off', 'forgiveness', 'recovery')
      AND (a.id IS NULL OR a.fund <> i.fund OR a.survivor IS DISTINCT FROM i.survivor)
      AND NOT (i.award IS NULL AND i.account = '5300')
    ORDER BY i.entry_seq, i.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:award_not_found entry % line % names no award of its fund',
            bad.entry_seq, bad.line;
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
