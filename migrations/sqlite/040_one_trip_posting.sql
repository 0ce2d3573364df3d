-- Issue 19. PostgreSQL only: ledger_post_income, an income posting in one
-- round trip (SQLite has no wire to save).
--
-- The search index's initials become whole tokens: every run of up to
-- eight initials of a name is a token of its own (registry.SearchDoc), so a
-- search by initials is an exact token query instead of a prefix query that
-- reads every token starting with it. Only Go computes the tokens: the
-- documents are dropped here and rebuilt at start-up by the registry
-- (EnsureSearchIndex, in batches through the shared writer); the index is
-- emptied at once ('delete-all'), its delete trigger set aside meanwhile,
-- so dropping the documents costs nothing.
DROP TRIGGER org_search_ad;
INSERT INTO org_search_fts (org_search_fts) VALUES ('delete-all');
DELETE FROM org_search;
CREATE TRIGGER org_search_ad AFTER DELETE ON org_search BEGIN
    DELETE FROM org_search_fts WHERE rowid = old.org_id;
END;
