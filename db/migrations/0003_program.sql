-- Program records: donors, funds' agreements, cohorts, survivors with their encrypted PII
-- vault, awards, payment references and outcomes (SPEC §5-§8). Money still lives only in
-- the journal: nothing here keeps a balance.

CREATE TABLE donors (
    code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A fund is one donor agreement in one currency. Funds made before donors existed (or by
-- the journal tests) have no donor.
ALTER TABLE funds
    ADD COLUMN donor text REFERENCES donors (code),
    ADD COLUMN restricted boolean NOT NULL DEFAULT true,
    ADD COLUMN starts_on date,
    ADD COLUMN ends_on date,
    ADD COLUMN committed_minor numeric(39, 0) CHECK (committed_minor >= 0),
    ADD CONSTRAINT funds_dates CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on);

CREATE TABLE cohorts (
    code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    county text NOT NULL CHECK (length(county) BETWEEN 1 AND 100),
    starts_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Survivors are known by pseudonym only. Nothing here identifies a person: PII is in the
-- vault below, encrypted with a key the database never sees.
CREATE TABLE survivors (
    code text PRIMARY KEY CHECK (code ~ '^SV-[0-9A-Z]{8}$'),
    cohort text NOT NULL REFERENCES cohorts (code),
    gender text NOT NULL CHECK (gender IN ('female', 'male', 'other', 'undisclosed')),
    birth_year integer NOT NULL CHECK (birth_year BETWEEN 1900 AND 2100),
    county text NOT NULL CHECK (length(county) BETWEEN 1 AND 100),
    enrolled_on date NOT NULL,
    consent_donor_reporting boolean NOT NULL,
    consent_follow_up boolean NOT NULL,
    recorded_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survivors_cohort ON survivors (cohort);

-- XChaCha20-Poly1305 ciphertext of the survivor's name, phone and national id, with the
-- survivor's code as associated data (a row copied onto another survivor fails to open).
CREATE TABLE survivor_pii (
    survivor text PRIMARY KEY REFERENCES survivors (code),
    key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    nonce bytea NOT NULL CHECK (octet_length(nonce) = 24),
    ciphertext bytea NOT NULL CHECK (octet_length(ciphertext) BETWEEN 17 AND 4096)
);

-- Keyed blind indexes: HMAC-SHA-256 of a normalised national id or phone. Equal values
-- collide on the primary key, which is how double enrolment is found.
CREATE TABLE survivor_blind_index (
    kind text NOT NULL CHECK (kind IN ('national_id', 'phone')),
    digest bytea NOT NULL CHECK (octet_length(digest) = 32),
    survivor text NOT NULL REFERENCES survivors (code),
    key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
    PRIMARY KEY (kind, digest)
);

CREATE TABLE awards (
    id text PRIMARY KEY CHECK (id ~ '^AW-[0-9A-Z]{8}$'),
    survivor text NOT NULL REFERENCES survivors (code),
    fund text NOT NULL,
    currency char(3) NOT NULL,
    kind text NOT NULL CHECK (kind IN ('grant', 'loan')),
    approved_minor numeric(39, 0) NOT NULL CHECK (approved_minor > 0),
    approved_on date NOT NULL,
    purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
    business_sector text NOT NULL CHECK (length(business_sector) BETWEEN 1 AND 100),
    -- Kept equal to what the journal implies by the writer, in the entry's transaction.
    status text NOT NULL DEFAULT 'approved'
        CHECK (status IN ('approved', 'active', 'repaid', 'written_off', 'forgiven', 'closed')),
    -- Loan terms (SPEC §6); all null for grants.
    interest_rate numeric,
    interest_period text CHECK (interest_period IN ('year', 'month')),
    interest_method text CHECK (interest_method IN ('declining_balance', 'flat')),
    amortization text CHECK (amortization IN ('equal_installments', 'equal_principal')),
    installments integer CHECK (installments BETWEEN 1 AND 600),
    repayment_every integer CHECK (repayment_every BETWEEN 1 AND 365),
    repayment_unit text CHECK (repayment_unit IN ('days', 'weeks', 'months')),
    first_due_on date,
    grace_on_principal integer CHECK (grace_on_principal >= 0),
    grace_on_interest integer CHECK (grace_on_interest >= 0),
    installment_multiple_minor numeric(39, 0) CHECK (installment_multiple_minor > 0),
    currency_multiple_minor numeric(39, 0) CHECK (currency_multiple_minor > 0),
    recorded_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (fund, currency) REFERENCES funds (code, currency),
    CHECK ((kind = 'loan') = (interest_rate IS NOT NULL AND interest_period IS NOT NULL
        AND interest_method IS NOT NULL AND amortization IS NOT NULL
        AND installments IS NOT NULL AND repayment_every IS NOT NULL
        AND repayment_unit IS NOT NULL AND grace_on_principal IS NOT NULL
        AND grace_on_interest IS NOT NULL))
);
CREATE INDEX awards_survivor ON awards (survivor);
CREATE INDEX awards_fund ON awards (fund);

-- Only an award's status ever changes, and only along the lifecycle (or back, when the
-- entry that moved it is reversed).
CREATE FUNCTION riziki_award_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'status') IS DISTINCT FROM (to_jsonb(OLD) - 'status') THEN
        RAISE EXCEPTION 'riziki:append_only only an award''s status may change';
    END IF;
    IF OLD.status <> NEW.status AND (OLD.status, NEW.status) NOT IN (
        ('approved', 'active'), ('approved', 'closed'),
        ('active', 'approved'), ('active', 'closed'), ('active', 'repaid'),
        ('active', 'written_off'), ('active', 'forgiven'),
        ('closed', 'active'), ('closed', 'approved'), ('repaid', 'active'),
        ('written_off', 'active'), ('forgiven', 'active')) THEN
        RAISE EXCEPTION 'riziki:award_not_active award % cannot go from % to %',
            NEW.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER awards_status BEFORE UPDATE ON awards
    FOR EACH ROW EXECUTE FUNCTION riziki_award_update();

-- A payment system's reference (an M-Pesa receipt, a bank transfer id) pays once.
CREATE TABLE payment_references (
    channel text NOT NULL CHECK (channel IN ('mpesa', 'bank', 'cash', 'in_kind')),
    reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 64),
    entry_seq bigint NOT NULL REFERENCES entries (seq),
    PRIMARY KEY (channel, reference)
);

CREATE TABLE outcomes (
    id bigserial PRIMARY KEY,
    survivor text NOT NULL REFERENCES survivors (code),
    observed_on date NOT NULL,
    business_status text NOT NULL CHECK (business_status IN ('operating', 'closed', 'not_started')),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    monthly_revenue_minor numeric(39, 0) NOT NULL CHECK (monthly_revenue_minor >= 0),
    monthly_profit_minor numeric(39, 0) NOT NULL CHECK (monthly_profit_minor >= 0),
    household_income_minor numeric(39, 0) NOT NULL CHECK (household_income_minor >= 0),
    savings_minor numeric(39, 0) NOT NULL CHECK (savings_minor >= 0),
    jobs integer NOT NULL CHECK (jobs BETWEEN 0 AND 100000),
    recorded_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outcomes_survivor ON outcomes (survivor, observed_on);

-- Not before enrolment: checked here as well as in the core.
CREATE FUNCTION riziki_outcome_dated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM survivors s WHERE s.code = NEW.survivor
               AND NEW.observed_on < s.enrolled_on) THEN
        RAISE EXCEPTION 'riziki:before_enrolment outcome for % before enrolment', NEW.survivor;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER outcomes_dated BEFORE INSERT ON outcomes
    FOR EACH ROW EXECUTE FUNCTION riziki_outcome_dated();

-- The money rules of awards, checked again per INSERT of postings (after the balances
-- moved): a posting from an award event names a real award of that fund and survivor; no
-- award is disbursed beyond its approved amount; no disbursement leaves its fund's cash
-- below zero.
CREATE FUNCTION riziki_award_limits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    bad record;
BEGIN
    SELECT i.entry_seq, i.line INTO bad
    FROM inserted i JOIN entries e ON e.seq = i.entry_seq
    LEFT JOIN awards a ON a.id = i.award
    WHERE e.event IN ('disbursement', 'repayment', 'write_off', 'forgiveness', 'recovery')
      AND (a.id IS NULL OR a.fund <> i.fund OR a.survivor IS DISTINCT FROM i.survivor)
      AND NOT (i.award IS NULL AND i.account = '5300')
    ORDER BY i.entry_seq, i.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:award_not_found entry % line % names no award of its fund',
            bad.entry_seq, bad.line;
    END IF;

    SELECT a.id INTO bad
    FROM awards a
    WHERE a.id IN (SELECT i.award FROM inserted i JOIN entries e ON e.seq = i.entry_seq
                   WHERE e.event = 'disbursement')
      AND (SELECT COALESCE(sum(p.amount_minor), 0)
           FROM postings p JOIN entries e ON e.seq = p.entry_seq
           LEFT JOIN entries o ON o.seq = e.reverses
           WHERE p.award = a.id AND p.account IN ('1100', '5100', '5110')
             AND COALESCE(o.event, e.event) = 'disbursement') > a.approved_minor
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riziki:exceeds_award award % is disbursed beyond its approval', bad.id;
    END IF;

    SELECT f.fund INTO bad
    FROM (SELECT DISTINCT i.fund FROM inserted i JOIN entries e ON e.seq = i.entry_seq
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
-- Named to fire after postings_after (statement triggers fire in name order).
CREATE TRIGGER postings_award_limits AFTER INSERT ON postings
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_award_limits();

CREATE TRIGGER donors_append_only BEFORE UPDATE OR DELETE ON donors
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER cohorts_append_only BEFORE UPDATE OR DELETE ON cohorts
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER survivors_append_only BEFORE UPDATE OR DELETE ON survivors
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER awards_no_delete BEFORE DELETE ON awards
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER payment_references_append_only BEFORE UPDATE OR DELETE ON payment_references
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER outcomes_append_only BEFORE UPDATE OR DELETE ON outcomes
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();

REVOKE ALL ON donors, cohorts, survivors, survivor_pii, survivor_blind_index, awards,
    payment_references, outcomes FROM PUBLIC;
GRANT SELECT, INSERT ON donors, cohorts, survivors, survivor_pii, survivor_blind_index, awards,
    payment_references, outcomes TO riziki_app;
GRANT UPDATE (status) ON awards TO riziki_app;
GRANT USAGE ON SEQUENCE outcomes_id_seq TO riziki_app;
