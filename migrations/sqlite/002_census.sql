-- Census (全面摸底) rounds and submissions; the organization search index.

-- The search document of each organization, maintained by the registry in
-- the same transaction as the organization: its name split into characters
-- (chars), the full pinyin syllables (py) and the suffixes of the pinyin
-- initials (ini), each a space-separated list of tokens.
CREATE TABLE org_search (
    org_id INTEGER PRIMARY KEY REFERENCES orgs (id),
    chars  TEXT NOT NULL,
    py     TEXT NOT NULL,
    ini    TEXT NOT NULL
);

-- SQLite: an FTS5 index over org_search (external content, kept in step by
-- triggers). The PostgreSQL migration indexes the same columns with GIN.
CREATE VIRTUAL TABLE org_search_fts USING fts5 (
    chars, py, ini, content = 'org_search', content_rowid = 'org_id',
    tokenize = 'unicode61', detail = 'full'
);
CREATE TRIGGER org_search_ai AFTER INSERT ON org_search BEGIN
    INSERT INTO org_search_fts (rowid, chars, py, ini) VALUES (new.org_id, new.chars, new.py, new.ini);
END;
CREATE TRIGGER org_search_ad AFTER DELETE ON org_search BEGIN
    INSERT INTO org_search_fts (org_search_fts, rowid, chars, py, ini) VALUES ('delete', old.org_id, old.chars, old.py, old.ini);
END;
CREATE TRIGGER org_search_au AFTER UPDATE ON org_search BEGIN
    INSERT INTO org_search_fts (org_search_fts, rowid, chars, py, ini) VALUES ('delete', old.org_id, old.chars, old.py, old.ini);
    INSERT INTO org_search_fts (rowid, chars, py, ini) VALUES (new.org_id, new.chars, new.py, new.ini);
END;

-- A census round a district opens, with a deadline.
CREATE TABLE census_rounds (
    id            INTEGER PRIMARY KEY,
    district_code TEXT NOT NULL,
    title         TEXT NOT NULL,
    deadline      TEXT NOT NULL,          -- YYYY-MM-DD, China time
    status        TEXT NOT NULL,          -- open | closed
    created_by    INTEGER,
    created_at    DATETIME NOT NULL,
    closed_at     DATETIME
);
CREATE INDEX census_rounds_district ON census_rounds (district_code, id);

-- One street's file, imported into a round: when, by whom, what it held.
CREATE TABLE census_submissions (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES census_rounds (id),
    street_code  TEXT NOT NULL,
    user_id      INTEGER,
    username     TEXT NOT NULL DEFAULT '',
    file_name    TEXT NOT NULL DEFAULT '',
    submitted_at DATETIME NOT NULL,
    late         INTEGER NOT NULL DEFAULT 0,
    row_count    INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    summary      TEXT NOT NULL DEFAULT '{}'  -- JSON: counts by tier, type, status, target group
);
CREATE INDEX census_submissions_round ON census_submissions (round_id, street_code, id);
