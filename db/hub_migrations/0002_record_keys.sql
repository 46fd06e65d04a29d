-- Each hub record's record key for the cell key method of the consortium statistics
-- (SPEC §17, docs/registry.md "The hub's API", GET /hub/v1/statistics): a random number in
-- 0..65535 (ledger::kRecordKeyRange), drawn by the hub when the record is first inserted and
-- never published nor returned by any route. A person's key is the smallest key of the
-- records joined into them; a published count is perturbed by the sum of its people's keys.
--
-- The key must be unguessable, so it is the column's SQL default from gen_random_uuid()
-- (PostgreSQL's strong random source), never random(): the first four hex digits of a
-- version-4 UUID are random bits. Records already held get theirs as the column is added
-- (a volatile default is computed row by row). The default stays: the hub inserts a record
-- without naming the column, and replacing a record by its ref (ON CONFLICT ... DO UPDATE)
-- never sets it, so a record keeps its key for as long as it exists.
ALTER TABLE hub_records ADD COLUMN record_key integer NOT NULL
    DEFAULT (('x' || substr(gen_random_uuid()::text, 1, 4))::bit(16)::integer)
    CONSTRAINT hub_records_record_key_range CHECK (record_key BETWEEN 0 AND 65535);
