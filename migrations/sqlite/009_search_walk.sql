-- PostgreSQL's 009 adds indexes for walking a place's search documents in
-- id order; SQLite's FTS5 index already yields matches in id order, so
-- there is nothing to add here (the numbers stay the same on both engines).
SELECT 1;
