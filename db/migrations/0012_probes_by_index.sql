-- The checks' lookups stay index probes whatever the statistics say. Measured with the API
-- benchmark: when ANALYZE ran while the journal was nearly empty (one entry, no payment
-- references, no idempotency records yet: what autovacuum does to a new installation), the
-- planner took those tables for a page or less and planned each per-row probe of the
-- checks as a sequential scan, which is cheaper on a page. The tables then grew by
-- thousands of rows a second, faster than autovacuum analyzes again, and every probe read
-- the whole table: PostgreSQL's CPU per entry went from about 180 µs to 2,800 µs, 346
-- entries/s where the same run gave 5,000 once the statistics caught up. The lookups were
-- already written as `LATERAL (… OFFSET 0)` probes by key (0006); with sequential scans
-- off inside these functions, no statistics can turn them back into scans. (Small tables
-- read whole, accounts, funds and periods, are then read by their primary keys: as fast.)
-- The writer's own session sets the same for its reads (db/journal_writer.cpp).
ALTER FUNCTION riziki_entries_link() SET enable_seqscan = off;
ALTER FUNCTION riziki_entries_balanced() SET enable_seqscan = off;
ALTER FUNCTION riziki_postings_after() SET enable_seqscan = off;
ALTER FUNCTION riziki_references_after() SET enable_seqscan = off;
ALTER FUNCTION riziki_idempotency_after() SET enable_seqscan = off;
ALTER FUNCTION riziki_audit_chained() SET enable_seqscan = off;
