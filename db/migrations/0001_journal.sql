-- Riziki journal: chart, funds, periods, entries, postings, balances, idempotency.
-- Every invariant the C++ core checks is checked here again (SPEC §5).

-- The application connects as riziki_app, which may read and insert but never
-- update or delete journal rows. Migrations run as the database owner.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'riziki_app') THEN
        CREATE ROLE riziki_app LOGIN;
    END IF;
END $$;

CREATE TABLE accounts (
    code text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type text NOT NULL CHECK (type IN ('asset', 'liability', 'net_assets', 'revenue', 'expense'))
);

INSERT INTO accounts (code, name, type) VALUES
    ('1010', 'Bank', 'asset'),
    ('1020', 'M-Pesa float', 'asset'),
    ('1030', 'Cash on hand', 'asset'),
    ('1100', 'Loans receivable', 'asset'),
    ('1900', 'Due from other funds', 'asset'),
    ('2100', 'Survivor overpayments', 'liability'),
    ('2200', 'Accounts payable', 'liability'),
    ('2900', 'Due to other funds', 'liability'),
    ('3100', 'Net assets with donor restrictions', 'net_assets'),
    ('3200', 'Net assets without donor restrictions', 'net_assets'),
    ('4100', 'Grant revenue', 'revenue'),
    ('4200', 'Loan interest income', 'revenue'),
    ('4300', 'Recoveries on written-off loans', 'revenue'),
    ('5100', 'Livelihood grants to survivors', 'expense'),
    ('5110', 'In-kind business assets to survivors', 'expense'),
    ('5200', 'Loan losses written off', 'expense'),
    ('5300', 'Transfer and M-Pesa charges', 'expense');

-- A fund is a donor's agreement in one currency; the domain migration extends it.
CREATE TABLE funds (
    code text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 64),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (code, currency)
);

-- Closed months. closed_after_seq is the journal head when the month closed, so an
-- auditor can see that nothing dated in it was added afterwards.
CREATE TABLE periods (
    period char(7) PRIMARY KEY CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    closed_at timestamptz NOT NULL DEFAULT now(),
    closed_by text NOT NULL,
    closed_after_seq bigint NOT NULL CHECK (closed_after_seq >= 0)
);

-- Bumped whenever accounts, funds or periods change, so the writer knows when to
-- reload what validation needs without reading those tables for every batch.
CREATE TABLE catalog_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL
);
INSERT INTO catalog_version (version) VALUES (1);

CREATE FUNCTION riziki_bump_catalog() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_catalog AFTER INSERT OR UPDATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_bump_catalog();
CREATE TRIGGER funds_catalog AFTER INSERT OR UPDATE ON funds
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_bump_catalog();
CREATE TRIGGER periods_catalog AFTER INSERT ON periods
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_bump_catalog();

-- The head of the hash chain: one row, moved only by the entries trigger.
CREATE TABLE journal_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq bigint NOT NULL,
    hash bytea NOT NULL CHECK (octet_length(hash) = 32)
);
INSERT INTO journal_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

CREATE TABLE entries (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    effective_on date NOT NULL,
    memo text NOT NULL CHECK (octet_length(memo) <= 1000),
    event text NOT NULL CHECK (event IN ('manual', 'receipt', 'disbursement', 'repayment',
        'write_off', 'forgiveness', 'recovery', 'reversal', 'transfer', 'opening_balance')),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL,
    reverses bigint REFERENCES entries (seq),
    posting_count integer NOT NULL CHECK (posting_count BETWEEN 2 AND 500),
    prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash bytea NOT NULL CHECK (octet_length(hash) = 32),
    CHECK (reverses IS NULL OR reverses < seq)
);
-- An entry is reversed at most once.
CREATE UNIQUE INDEX entries_reverses_key ON entries (reverses) WHERE reverses IS NOT NULL;
CREATE INDEX entries_effective_on ON entries (effective_on, seq);

-- Postings reference entries, accounts and funds (with the fund's currency). Those
-- references are checked once per INSERT statement by riziki_postings_after() rather than
-- by row-by-row foreign keys, which cost more than the rest of the insert; the parents
-- can never be deleted (append-only triggers below), so the checks stay true.
CREATE TABLE postings (
    entry_seq bigint NOT NULL,
    line integer NOT NULL CHECK (line >= 0),
    account text NOT NULL,
    fund text NOT NULL,
    currency char(3) NOT NULL,
    amount_minor numeric(39, 0) NOT NULL CHECK (amount_minor <> 0),
    survivor text CHECK (survivor IS NULL OR length(survivor) BETWEEN 1 AND 64),
    award text CHECK (award IS NULL OR length(award) BETWEEN 1 AND 64),
    PRIMARY KEY (entry_seq, line)
);
CREATE INDEX postings_account ON postings (account, entry_seq);
CREATE INDEX postings_fund ON postings (fund, entry_seq);
CREATE INDEX postings_survivor ON postings (survivor, entry_seq) WHERE survivor IS NOT NULL;
CREATE INDEX postings_award ON postings (award, entry_seq) WHERE award IS NOT NULL;

-- Balance of each account x fund x currency at the end of each day that moved it:
-- an as-of balance is the latest row on or before the date, one indexed read.
CREATE TABLE daily_balances (
    account text NOT NULL REFERENCES accounts (code),
    fund text NOT NULL,
    currency char(3) NOT NULL,
    day date NOT NULL,
    delta_minor numeric(39, 0) NOT NULL,
    closing_minor numeric(39, 0) NOT NULL,
    PRIMARY KEY (account, fund, currency, day),
    FOREIGN KEY (fund, currency) REFERENCES funds (code, currency)
);

-- Idempotency records, written in the same transaction as the entry they answer.
CREATE TABLE idempotency_keys (
    actor text NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL CHECK (octet_length(request_hash) = 32),
    status integer NOT NULL,
    response text NOT NULL,
    entry_seq bigint REFERENCES entries (seq),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);

-- The writer locks the head for the length of its batch through this function, so the
-- application role needs no UPDATE right on journal_head.
CREATE FUNCTION riziki_lock_head(OUT seq bigint, OUT hash_hex text, OUT catalog bigint)
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT h.seq, encode(h.hash, 'hex'), c.version
    FROM journal_head h, catalog_version c FOR UPDATE OF h
$$;

-- Entries: gap-free sequence, chain linkage, open period; then move the head. One check
-- per INSERT statement (the writer inserts a whole batch in one), under the head's lock.
CREATE FUNCTION riziki_entries_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    head_seq bigint;
    head_hash bytea;
    bad_seq bigint;
    bad_reason text;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM journal_head FOR UPDATE;
    SELECT seq, reason INTO bad_seq, bad_reason FROM (
        SELECT i.seq,
               CASE WHEN i.seq <> head_seq + row_number() OVER w THEN 'sequence_gap'
                    WHEN i.prev_hash <> COALESCE(lag(i.hash) OVER w, head_hash)
                        THEN 'chain_broken'
                    WHEN EXISTS (SELECT 1 FROM periods
                                 WHERE period = to_char(i.effective_on, 'YYYY-MM'))
                        THEN 'period_closed'
               END AS reason
        FROM inserted i WINDOW w AS (ORDER BY i.seq)) checked
    WHERE reason IS NOT NULL ORDER BY seq LIMIT 1;
    IF bad_reason IS NOT NULL THEN
        RAISE EXCEPTION 'riziki:% entry % (journal head was %)', bad_reason, bad_seq, head_seq;
    END IF;
    UPDATE journal_head h SET seq = last.seq, hash = last.hash
    FROM (SELECT seq, hash FROM inserted ORDER BY seq DESC LIMIT 1) last;
    RETURN NULL;
END $$;
CREATE TRIGGER entries_link AFTER INSERT ON entries
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_entries_link();

-- At commit: every entry has all its postings and sums to zero per currency and fund.
CREATE FUNCTION riziki_entry_balanced() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    found_count integer;
    currencies_off integer;
    funds_off integer;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE by_currency <> 0),
           count(*) FILTER (WHERE by_fund <> 0)
    INTO found_count, currencies_off, funds_off
    FROM (SELECT sum(amount_minor) OVER (PARTITION BY currency) AS by_currency,
                 sum(amount_minor) OVER (PARTITION BY fund) AS by_fund
          FROM postings WHERE entry_seq = NEW.seq) sums;
    IF found_count <> NEW.posting_count THEN
        RAISE EXCEPTION 'riziki:partial_entry entry % has % of % postings',
            NEW.seq, found_count, NEW.posting_count;
    END IF;
    IF currencies_off > 0 THEN
        RAISE EXCEPTION 'riziki:unbalanced_entry entry % does not balance per currency', NEW.seq;
    END IF;
    IF funds_off > 0 THEN
        RAISE EXCEPTION 'riziki:unbalanced_fund entry % does not balance per fund', NEW.seq;
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER entries_balanced AFTER INSERT ON entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION riziki_entry_balanced();

-- Postings: each takes a free line of its entry, so a committed entry (whose lines are all
-- taken, see above) can never gain one. Then balances follow, set-based, in two statements
-- per INSERT: shift the existing days on or after each delta, then add the new days.
CREATE FUNCTION riziki_postings_after() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.entry_seq, i.line,
           CASE WHEN e.seq IS NULL THEN 'unknown_entry'
                WHEN i.line >= e.posting_count THEN 'posting_line_out_of_range'
                WHEN a.code IS NULL THEN 'unknown_account'
                WHEN f.code IS NULL THEN 'unknown_fund'
                WHEN f.currency <> i.currency THEN 'currency_mismatch'
           END AS reason
    INTO bad
    FROM inserted i
    LEFT JOIN entries e ON e.seq = i.entry_seq
    LEFT JOIN accounts a ON a.code = i.account
    LEFT JOIN funds f ON f.code = i.fund
    WHERE e.seq IS NULL OR i.line >= e.posting_count OR a.code IS NULL OR f.code IS NULL
       OR f.currency <> i.currency
    ORDER BY i.entry_seq, i.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:% entry % line %', bad.reason, bad.entry_seq, bad.line;
    END IF;

    WITH deltas AS (
        SELECT i.account, i.fund, i.currency, e.effective_on AS day, sum(i.amount_minor) AS delta
        FROM inserted i JOIN entries e ON e.seq = i.entry_seq
        GROUP BY i.account, i.fund, i.currency, e.effective_on)
    UPDATE daily_balances b
    SET closing_minor = b.closing_minor + s.through,
        delta_minor = b.delta_minor + s.same_day
    FROM (SELECT b2.account, b2.fund, b2.currency, b2.day, sum(d.delta) AS through,
                 COALESCE(sum(d.delta) FILTER (WHERE d.day = b2.day), 0) AS same_day
          FROM daily_balances b2
          JOIN deltas d ON d.account = b2.account AND d.fund = b2.fund
                       AND d.currency = b2.currency AND d.day <= b2.day
          GROUP BY b2.account, b2.fund, b2.currency, b2.day) s
    WHERE b.account = s.account AND b.fund = s.fund AND b.currency = s.currency
      AND b.day = s.day;

    -- A new day's closing: the latest earlier day's (already shifted above) plus this
    -- statement's deltas after that day up to the new one, all of which fall on new days.
    WITH deltas AS (
        SELECT i.account, i.fund, i.currency, e.effective_on AS day, sum(i.amount_minor) AS delta
        FROM inserted i JOIN entries e ON e.seq = i.entry_seq
        GROUP BY i.account, i.fund, i.currency, e.effective_on)
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
    WHERE NOT EXISTS (
        SELECT 1 FROM daily_balances b
        WHERE b.account = d.account AND b.fund = d.fund AND b.currency = d.currency
          AND b.day = d.day);
    RETURN NULL;
END $$;
CREATE TRIGGER postings_after AFTER INSERT ON postings
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_postings_after();

-- The journal is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION riziki_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'riziki:append_only % on % is not allowed', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER funds_no_delete BEFORE DELETE ON funds
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER funds_currency_fixed BEFORE UPDATE OF code, currency ON funds
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER periods_append_only BEFORE UPDATE OR DELETE ON periods
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER idempotency_append_only BEFORE UPDATE OR DELETE ON idempotency_keys
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();

-- Closing a period takes the head lock, so no entry can slip in beside the close.
CREATE FUNCTION riziki_period_close() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    SELECT seq INTO NEW.closed_after_seq FROM journal_head FOR UPDATE;
    RETURN NEW;
END $$;
CREATE TRIGGER periods_close BEFORE INSERT ON periods
    FOR EACH ROW EXECUTE FUNCTION riziki_period_close();

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON accounts, funds, periods, catalog_version, journal_head, entries, postings, daily_balances,
    idempotency_keys TO riziki_app;
REVOKE ALL ON FUNCTION riziki_lock_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION riziki_lock_head() TO riziki_app;
GRANT INSERT ON funds, periods, entries, postings, idempotency_keys TO riziki_app;
