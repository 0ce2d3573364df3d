-- @sqlite
-- PostgreSQL's 009 adds indexes for walking a place's search documents in
-- id order; SQLite's FTS5 index already yields matches in id order, so
-- there is nothing to add here (the numbers stay the same on both engines).
SELECT 1;

-- @postgres
-- The scope's search documents in id order (registry rankedSearch): for a
-- common word a GIN index must recheck and sort every match before the
-- first page, so the page is found by walking the city's or district's
-- documents in id order and testing each instead.
CREATE INDEX org_search_city ON org_search (substr(district, 1, 4), org_id);
CREATE INDEX org_search_district ON org_search (district, org_id);
