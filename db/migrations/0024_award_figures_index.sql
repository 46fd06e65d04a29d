-- A page of awards reads every posting of each award on it, to work out what was paid,
-- when (db/awards_sql.cpp, kSelectFigures). Through postings_award each posting cost a
-- heap fetch, scattered over the whole journal: a 1,000-loan page of GET /v1/awards read
-- 20,000 postings in 80-200 ms at 2,000,000 entries (docs/performance.md). The same index
-- carrying the posting's account, event, day and amount answers from the index alone
-- (an index-only scan; the journal is append-only, so vacuum keeps its pages all-visible):
-- 35 ms. It replaces postings_award, whose key it keeps, so a posting still costs one index
-- entry on this path, a wider one.
CREATE INDEX postings_award_figures ON postings (award, entry_seq)
    INCLUDE (account, counts_as, effective_on, amount_minor)
    WHERE award IS NOT NULL;
DROP INDEX postings_award;
