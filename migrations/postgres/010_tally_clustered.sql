-- SQLite's 010 makes org_tally a clustered (WITHOUT ROWID) table; a
-- PostgreSQL table is a heap either way, and its readers touch a few
-- dozen rows through the primary key, so nothing changes here.
SELECT 1;
