-- Each survivor's record key for the cell key method (docs/privacy.md, "What a donor sees"):
-- a random number in 0..65535 (ledger::kRecordKeyRange), drawn with libsodium by the API at
-- enrolment, never published nor returned by any route. The donor report perturbs a count
-- of people by a value that the sum of its people's keys picks from a fixed table, so the
-- same people always give the same published count and two reports never give an exact
-- difference.
--
-- Survivors enrolled before this migration get a key here. The key must be unguessable, so
-- it comes from gen_random_uuid() (PostgreSQL's strong random source), never random(): its
-- first four hex digits are random bits in a version-4 UUID. A volatile default is computed
-- row by row when the column is added, without an UPDATE (survivors are append-only and
-- their trigger refuses one); the default is dropped at once, so every new row must bring
-- its own key.
ALTER TABLE survivors ADD COLUMN record_key integer NOT NULL
    DEFAULT (('x' || substr(gen_random_uuid()::text, 1, 4))::bit(16)::integer)
    CONSTRAINT survivors_record_key_range CHECK (record_key BETWEEN 0 AND 65535);
ALTER TABLE survivors ALTER COLUMN record_key DROP DEFAULT;
