-- M-Pesa B2C results (SPEC §15, issue 20 item 5; docs/api.md "M-Pesa B2C results",
-- docs/security.md "The B2C callback"). Safaricom posts the result of each payment to a
-- phone to POST /v1/mpesa/b2c/result/{secret}: a success confirms a disbursement and names
-- its receipt; a failure reverses it.

-- The callback URL's secret, as its SHA-256 only: the secret itself is printed once by
-- `riziki mpesa callback-url` and never stored. At most one is live; `--rotate` retires it
-- (sets retired_at, once) and adds the next, in one transaction of the schema owner. The
-- application role only reads it.
CREATE TABLE mpesa_callback_secrets (
    id bigserial PRIMARY KEY,
    digest bytea NOT NULL UNIQUE CHECK (octet_length(digest) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    CHECK (retired_at IS NULL OR retired_at >= created_at)
);
CREATE UNIQUE INDEX mpesa_callback_secrets_one_live ON mpesa_callback_secrets ((true))
    WHERE retired_at IS NULL;

-- A secret's row changes once: it is retired. Nothing else about it ever changes.
CREATE FUNCTION riziki_callback_secret_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.retired_at IS NOT NULL OR NEW.retired_at IS NULL
       OR (NEW.id, NEW.digest, NEW.created_at) IS DISTINCT FROM (OLD.id, OLD.digest, OLD.created_at)
    THEN
        RAISE EXCEPTION 'riziki:append_only a callback secret may only be retired, once';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER mpesa_callback_secrets_update BEFORE UPDATE ON mpesa_callback_secrets
    FOR EACH ROW EXECUTE FUNCTION riziki_callback_secret_update();
CREATE TRIGGER mpesa_callback_secrets_no_delete BEFORE DELETE ON mpesa_callback_secrets
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER mpesa_callback_secrets_no_truncate BEFORE TRUNCATE ON mpesa_callback_secrets
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();

REVOKE ALL ON mpesa_callback_secrets FROM PUBLIC;
GRANT SELECT ON mpesa_callback_secrets TO riziki_app;

-- One row per result received, keyed by Safaricom's ConversationID: a result sent again
-- (Safaricom retries until it is acknowledged) finds its row and changes nothing. What the
-- result said, without the person paid (no name, no phone: the reader keeps none), and what
-- Riziki did with it (`outcome`):
--   confirmed             a success for a disbursement of the same amount: its receipt is
--                         kept here, so a statement line can be matched to the disbursement;
--   reversed              a failure: the disbursement was reversed by entry reversal_seq;
--   amount_differs        a success whose amount is not the disbursement's: nothing posted,
--                         for finance to look at;
--   already_reversed      the disbursement had been reversed before the result came:
--                         nothing posted (after a success, money went out that the ledger
--                         says did not: for finance to look at);
--   reversal_refused      a failure whose reversal the journal refused (e.g. a closed
--                         period): nothing posted, for finance to reverse by hand;
--   unknown_disbursement  no disbursement names the result's ids: nothing posted.
CREATE TABLE mpesa_b2c_results (
    conversation_id text PRIMARY KEY CHECK (conversation_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    originator_conversation_id text NOT NULL
        CHECK (originator_conversation_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    result_code integer NOT NULL CHECK (result_code >= 0),
    result_desc text NOT NULL CHECK (octet_length(result_desc) <= 200),
    transaction_id text CHECK (transaction_id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    receipt text CHECK (receipt ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    amount_minor numeric(39,0) CHECK (amount_minor > 0),
    -- TransactionCompletedDateTime as Safaricom printed it (East Africa Time, no zone).
    completed_at timestamp without time zone,
    outcome text NOT NULL CHECK (outcome IN ('confirmed', 'reversed', 'amount_differs',
        'already_reversed', 'reversal_refused', 'unknown_disbursement')),
    disbursement_seq bigint REFERENCES entries (seq),
    reversal_seq bigint REFERENCES entries (seq),
    received_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((outcome = 'unknown_disbursement') = (disbursement_seq IS NULL)),
    CHECK ((outcome = 'reversed') = (reversal_seq IS NOT NULL)),
    CHECK (outcome NOT IN ('confirmed', 'amount_differs')
           OR (result_code = 0 AND receipt IS NOT NULL AND amount_minor IS NOT NULL)),
    CHECK (outcome NOT IN ('reversed', 'reversal_refused') OR result_code <> 0)
);
-- The disbursement a confirmed receipt paid: the statement import's read (db::MpesaStore).
CREATE INDEX mpesa_b2c_results_confirmed_receipt ON mpesa_b2c_results (receipt)
    WHERE outcome = 'confirmed';
CREATE INDEX mpesa_b2c_results_disbursement ON mpesa_b2c_results (disbursement_seq)
    WHERE disbursement_seq IS NOT NULL;

CREATE TRIGGER mpesa_b2c_results_append_only BEFORE DELETE OR UPDATE ON mpesa_b2c_results
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER mpesa_b2c_results_no_truncate BEFORE TRUNCATE ON mpesa_b2c_results
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();

REVOKE ALL ON mpesa_b2c_results FROM PUBLIC;
GRANT SELECT, INSERT ON mpesa_b2c_results TO riziki_app;
