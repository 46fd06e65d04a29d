-- M-Pesa statements imported (SPEC §15, issue 20 item 3; docs/api.md "M-Pesa").
-- An import that posts (dry_run=false) is kept: who imported which file (its SHA-256) when,
-- for which fund, and what became of each of its lines, so the reconciliation can be
-- printed again later and an auditor can see which line posted which entry. Kept for each
-- line: the receipt, time, status, amounts, balance, reason type, linked receipt, and the
-- `A/C No.` only when it is an award id or survivor code. Never kept: `Other Party Info`
-- (a name and a masked phone: the reader drops it), `Details` (the portal writes the
-- other party's name and number into it too), and an `A/C No.` that is anything else (a
-- payer may type a name or a phone number there). Both tables are append-only.

CREATE TABLE mpesa_statements (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund text NOT NULL REFERENCES funds (code),
    account text NOT NULL REFERENCES accounts (code) CHECK (account = '1020'),
    currency character(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    file_sha256 bytea NOT NULL CHECK (octet_length(file_sha256) = 32),
    file_format text NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
    imported_by text NOT NULL CHECK (length(imported_by) BETWEEN 1 AND 200),
    imported_at timestamptz NOT NULL DEFAULT now(),
    request_id text NOT NULL CHECK (length(request_id) <= 64),
    -- SHA-256 of the Idempotency-Key the import was posted with: a retry under the same key
    -- finds this import instead of keeping another (one per key and person, as the journal's
    -- idempotency_keys are).
    request_key_sha256 bytea NOT NULL CHECK (octet_length(request_key_sha256) = 32),
    window_days integer NOT NULL CHECK (window_days BETWEEN 0 AND 31),
    -- The statement's first and last completion times, as printed (East Africa Time).
    first_at timestamp,
    last_at timestamp,
    -- The balance before its oldest line and after its newest, when it prints balances.
    opening_minor numeric(39,0),
    closing_minor numeric(39,0),
    line_count integer NOT NULL CHECK (line_count >= 0),
    posted_count integer NOT NULL CHECK (posted_count BETWEEN 0 AND line_count),
    CHECK ((first_at IS NULL) = (line_count = 0) AND (last_at IS NULL) = (line_count = 0)),
    CHECK (first_at <= last_at),
    CHECK ((opening_minor IS NULL) = (closing_minor IS NULL))
);
CREATE INDEX mpesa_statements_fund ON mpesa_statements (fund, id);
CREATE UNIQUE INDEX mpesa_statements_request_key
    ON mpesa_statements (imported_by, request_key_sha256);

CREATE TABLE mpesa_statement_lines (
    statement bigint NOT NULL REFERENCES mpesa_statements (id),
    line integer NOT NULL CHECK (line >= 1),
    receipt text NOT NULL CHECK (receipt ~ '^[0-9A-Za-z]{1,64}$'),
    completed_at timestamp NOT NULL,
    status text NOT NULL CHECK (length(status) <= 64),
    paid_in_minor numeric(39,0) NOT NULL CHECK (paid_in_minor >= 0),
    withdrawn_minor numeric(39,0) NOT NULL CHECK (withdrawn_minor >= 0),
    balance_minor numeric(39,0),
    reason_type text NOT NULL CHECK (length(reason_type) <= 200),
    linked_receipt text NOT NULL CHECK (linked_receipt ~ '^[0-9A-Za-z]{0,64}$'),
    account_code text CHECK (account_code ~ '^(AW|SV)-[0-9A-Z]{8}$'),
    state text NOT NULL CHECK (state IN ('matched', 'proposed', 'charge', 'ignored', 'unmatched')),
    reason text NOT NULL CHECK (reason ~ '^[a-z_]{0,64}$'),
    -- The entry the line matched, the disbursement a charge belongs to, or the repayment
    -- a proposed line posted (a stored import posted each of its proposed lines: one the
    -- writer refused is kept unmatched, with the refusal as its reason); and the award,
    -- when known.
    entry_seq bigint REFERENCES entries (seq),
    award text REFERENCES awards (id),
    PRIMARY KEY (statement, line),
    -- Matched, proposed and charge lines need no reason; ignored and unmatched ones give one.
    CHECK ((reason = '') = (state IN ('matched', 'proposed', 'charge'))),
    CHECK (state NOT IN ('matched', 'charge') OR entry_seq IS NOT NULL),
    CHECK (state <> 'proposed' OR (award IS NOT NULL AND entry_seq IS NOT NULL)),
    CHECK (NOT (paid_in_minor > 0 AND withdrawn_minor > 0))
);

CREATE TRIGGER mpesa_statements_append_only BEFORE UPDATE OR DELETE ON mpesa_statements
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER mpesa_statement_lines_append_only BEFORE UPDATE OR DELETE ON mpesa_statement_lines
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();

REVOKE ALL ON mpesa_statements, mpesa_statement_lines FROM PUBLIC;
GRANT SELECT, INSERT ON mpesa_statements, mpesa_statement_lines TO riziki_app;
