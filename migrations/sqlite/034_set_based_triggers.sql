-- Set-based maintenance after inserts is PostgreSQL's (see its migration of
-- the same number): SQLite has no statement-level triggers, and its
-- row-level ones update the tally rows in place, without the growing chain
-- of row versions that made them costly on PostgreSQL. Nothing changes here.
SELECT 1;
