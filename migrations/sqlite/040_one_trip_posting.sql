-- Issue 19. PostgreSQL only: ledger_post_income, an income posting in one
-- round trip (SQLite has no wire to save).
--
-- The search index's initials become whole tokens: every run of up to
-- eight initials of a name is a token of its own (registry.SearchDoc), so a
-- search by initials is an exact token query instead of a prefix query that
-- reads every token starting with it. Only Go computes the tokens: the
-- documents are dropped here and rebuilt at start-up by the registry
-- (EnsureSearchIndex, in batches through the shared writer); the index and
-- its triggers are dropped first, so dropping the documents costs nothing.
DROP TRIGGER org_search_ai;
DROP TRIGGER org_search_ad;
DROP TRIGGER org_search_au;
DROP TABLE org_search_fts;
DELETE FROM org_search;

CREATE VIRTUAL TABLE org_search_fts USING fts5 (
    chars, py, ini, content = '', contentless_delete = 1,
    tokenize = 'unicode61', detail = 'full'
);
CREATE TRIGGER org_search_ai AFTER INSERT ON org_search BEGIN
    INSERT INTO org_search_fts (rowid, chars, py, ini) VALUES (new.org_id,
        CASE WHEN new.chars = '' THEN '' ELSE new.district || replace(new.chars, ' ', ' ' || new.district)
            || ' ' || substr(new.district, 1, 4) || 'x' || replace(new.chars, ' ', ' ' || substr(new.district, 1, 4) || 'x') END,
        CASE WHEN new.py = '' THEN '' ELSE new.district || replace(new.py, ' ', ' ' || new.district)
            || ' ' || substr(new.district, 1, 4) || 'x' || replace(new.py, ' ', ' ' || substr(new.district, 1, 4) || 'x') END,
        CASE WHEN new.ini = '' THEN '' ELSE new.district || replace(new.ini, ' ', ' ' || new.district)
            || ' ' || substr(new.district, 1, 4) || 'x' || replace(new.ini, ' ', ' ' || substr(new.district, 1, 4) || 'x') END);
END;
CREATE TRIGGER org_search_ad AFTER DELETE ON org_search BEGIN
    DELETE FROM org_search_fts WHERE rowid = old.org_id;
END;
CREATE TRIGGER org_search_au AFTER UPDATE ON org_search BEGIN
    DELETE FROM org_search_fts WHERE rowid = old.org_id;
    INSERT INTO org_search_fts (rowid, chars, py, ini) VALUES (new.org_id,
        CASE WHEN new.chars = '' THEN '' ELSE new.district || replace(new.chars, ' ', ' ' || new.district)
            || ' ' || substr(new.district, 1, 4) || 'x' || replace(new.chars, ' ', ' ' || substr(new.district, 1, 4) || 'x') END,
        CASE WHEN new.py = '' THEN '' ELSE new.district || replace(new.py, ' ', ' ' || new.district)
            || ' ' || substr(new.district, 1, 4) || 'x' || replace(new.py, ' ', ' ' || substr(new.district, 1, 4) || 'x') END,
        CASE WHEN new.ini = '' THEN '' ELSE new.district || replace(new.ini, ' ', ' ' || new.district)
            || ' ' || substr(new.district, 1, 4) || 'x' || replace(new.ini, ' ', ' ' || substr(new.district, 1, 4) || 'x') END);
END;
