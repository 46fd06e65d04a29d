-- The consortium registry, a member's side (SPEC §16, issue 21; docs/registry.md). What this
-- organisation's Riziki sent the hub and what the hub answered. No token, no CLK and no PII
-- is kept here: a survivor's encoding is made again from the vault whenever it is sent.

-- The hub knows each survivor of this organisation by a random `ref`, one per consortium key
-- (a new key makes every token new, so the survivor is sent again under a new ref). The ref
-- is not derived from the survivor code: nothing the hub holds can be joined to the books.
CREATE TABLE registry_records (
    survivor text NOT NULL REFERENCES survivors (code),
    consortium_key_id text NOT NULL CHECK (consortium_key_id ~ '^[0-9a-f]{16}$'),
    ref text NOT NULL UNIQUE CHECK (ref ~ '^[A-Za-z0-9_-]{22}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survivor, consortium_key_id)
);

-- Every time the hub registered a record, with the kind of support it was told. A survivor
-- whose latest send is missing, or says another kind of support than their awards now do,
-- is waiting to be sent (the queue, docs/registry.md): an enrolment while the hub was
-- unreachable is not lost, it is simply not sent yet.
CREATE TABLE registry_sends (
    id bigserial PRIMARY KEY,
    ref text NOT NULL REFERENCES registry_records (ref),
    support text NOT NULL CHECK (support IN ('none', 'grant', 'loan')),
    sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_sends_ref ON registry_sends (ref, id);

-- A match the hub answered for one of this organisation's survivors, as first seen: another
-- member supports someone with the same id or phone (`exact`) or a similar name and birth
-- year (`probable`). The match id is the one both organisations see.
CREATE TABLE registry_matches (
    survivor text NOT NULL REFERENCES survivors (code),
    match text NOT NULL CHECK (match ~ '^RM-[0-9a-f]{16}$'),
    organisation text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 64),
    organisation_name text NOT NULL CHECK (length(organisation_name) BETWEEN 1 AND 200),
    since text NOT NULL CHECK (since ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    support text NOT NULL CHECK (support IN ('none', 'grant', 'loan')),
    kind text NOT NULL CHECK (kind IN ('exact', 'probable')),
    score numeric(4, 3) NOT NULL CHECK (score BETWEEN 0 AND 1),
    found_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survivor, match)
);

-- A finance officer saw the match and decided to go on with an award (SPEC §16: "creating
-- an award for a survivor with a match requires the finance officer to acknowledge it").
CREATE TABLE registry_acknowledgements (
    survivor text NOT NULL,
    match text NOT NULL,
    acknowledged_by text NOT NULL CHECK (length(acknowledged_by) BETWEEN 1 AND 200),
    request_id text NOT NULL CHECK (length(request_id) <= 200),
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survivor, match),
    FOREIGN KEY (survivor, match) REFERENCES registry_matches (survivor, match)
);

-- A survivor's record withdrawn from the hub (DELETE /hub/v1/records/{ref}) because their
-- identity was erased here (SPEC §8): an erased survivor whose ref has no row here is waiting
-- to be withdrawn, and is, by the same retries as the queue.
CREATE TABLE registry_withdrawals (
    ref text PRIMARY KEY REFERENCES registry_records (ref),
    withdrawn_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER registry_withdrawals_append_only BEFORE UPDATE OR DELETE ON registry_withdrawals
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_withdrawals_no_truncate BEFORE TRUNCATE ON registry_withdrawals
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_records_append_only BEFORE UPDATE OR DELETE ON registry_records
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_records_no_truncate BEFORE TRUNCATE ON registry_records
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_sends_append_only BEFORE UPDATE OR DELETE ON registry_sends
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_sends_no_truncate BEFORE TRUNCATE ON registry_sends
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_matches_append_only BEFORE UPDATE OR DELETE ON registry_matches
    FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_matches_no_truncate BEFORE TRUNCATE ON registry_matches
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_acknowledgements_append_only BEFORE UPDATE OR DELETE
    ON registry_acknowledgements FOR EACH ROW EXECUTE FUNCTION riziki_append_only();
CREATE TRIGGER registry_acknowledgements_no_truncate BEFORE TRUNCATE ON registry_acknowledgements
    FOR EACH STATEMENT EXECUTE FUNCTION riziki_append_only();

REVOKE ALL ON registry_records, registry_sends, registry_matches, registry_acknowledgements,
    registry_withdrawals FROM PUBLIC;
GRANT SELECT, INSERT ON registry_records, registry_sends, registry_matches,
    registry_acknowledgements, registry_withdrawals TO riziki_app;
GRANT USAGE ON SEQUENCE registry_sends_id_seq TO riziki_app;
