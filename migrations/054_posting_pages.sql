-- Issue 19: a posting's commit wrote about 16 pages to the log, one for
-- every b-tree it touches. Four of those b-trees served no reader or
-- nothing a cheaper one cannot answer:
-- - postings_org (org_id, occurred_on): no query reads it; an
--   organization's statement reaches its postings through its accounts'
--   lines (posting_lines_account).
-- - postings_hub (hub_org_id, occurred_on): only the hub statement's cash
--   entries read it; they now come from the hub's cash account's lines,
--   as the statement's totals already do (a posting's accounts are all at
--   its hub: checkLocked, ledger_post_income).
-- - reverses_id UNIQUE indexed every posting, though only reversals set
--   it; on PostgreSQL a partial unique index keeps "reversed at most once"
--   and indexes only the reversals. Every reader (reverse, statement) asks
--   for reverses_id = a posting's id, which the partial index answers.
-- - posting_lines_posting (posting_id): the lines are keyed by
--   (posting_id, id) instead, so a posting's lines are one range of the
--   table's own key.
-- @sqlite
-- SQLite keeps a UNIQUE column constraint's index with the table, which
-- only a rebuild of postings would drop; renaming postings inside this
-- transaction (foreign keys on) rewrites the references to it, so that
-- index stays here. The lines' table is rebuilt: nothing references it.
DROP INDEX postings_org;
DROP INDEX postings_hub;

-- The lines as a clustered table: id is now the line's place in its
-- posting (1, 2, …; the ledger writes it), which orders the lines as the
-- global ids did. Nothing references posting_lines.
DROP TRIGGER posting_lines_no_update;
DROP TRIGGER posting_lines_no_delete;
ALTER TABLE posting_lines RENAME TO posting_lines_old;
CREATE TABLE posting_lines (
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    id         INTEGER NOT NULL,
    account_id INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),  -- debit positive, credit negative
    PRIMARY KEY (posting_id, id)
) WITHOUT ROWID;
INSERT INTO posting_lines (posting_id, id, account_id, amount_fen)
SELECT posting_id, ROW_NUMBER() OVER (PARTITION BY posting_id ORDER BY id), account_id, amount_fen
FROM posting_lines_old ORDER BY posting_id, id;
DROP TABLE posting_lines_old;
CREATE INDEX posting_lines_account ON posting_lines (account_id, posting_id);
CREATE TRIGGER posting_lines_no_update BEFORE UPDATE ON posting_lines
BEGIN SELECT RAISE(ABORT, 'posting lines are append-only'); END;
CREATE TRIGGER posting_lines_no_delete BEFORE DELETE ON posting_lines
BEGIN SELECT RAISE(ABORT, 'posting lines are append-only'); END;

-- @postgres
-- The same b-trees go. The lines keep their identity ids (the ledger and
-- ledger_post_income leave them to the sequence); their primary key
-- becomes (posting_id, id), which answers a posting's lines in order.
DROP INDEX postings_org;
DROP INDEX postings_hub;
ALTER TABLE postings DROP CONSTRAINT postings_reverses_id_key;
CREATE UNIQUE INDEX postings_reverses ON postings (reverses_id) WHERE reverses_id IS NOT NULL;
ALTER TABLE posting_lines DROP CONSTRAINT posting_lines_pkey, ADD PRIMARY KEY (posting_id, id);
DROP INDEX posting_lines_posting;
