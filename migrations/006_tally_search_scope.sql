-- @sqlite
-- Rollups and a scoped search index, for national scale (issue 6).

-- org_tally counts the organizations of every district (lvl 3, code =
-- orgs.district_code) and street (lvl 4, code = orgs.street_code) by
-- status and tier, with how many of them are hubs and brands. Triggers on
-- orgs keep it in the writing transaction, whichever code path writes, so
-- it always equals COUNT(*) over the rows (tested); summaries, division
-- trees and list totals read a few of its rows instead of counting.
-- @postgres
-- Rollups and a scoped search index, for national scale (issue 6). See the
-- SQLite migration of the same number for the reasoning.

-- @both
CREATE TABLE org_tally (
    lvl    INTEGER NOT NULL,
    code   TEXT NOT NULL,
    status TEXT NOT NULL,
    tier   TEXT NOT NULL,
-- @sqlite
    n      INTEGER NOT NULL DEFAULT 0,
    hubs   INTEGER NOT NULL DEFAULT 0,
    brands INTEGER NOT NULL DEFAULT 0,
-- @postgres
    n      BIGINT NOT NULL DEFAULT 0,
    hubs   BIGINT NOT NULL DEFAULT 0,
    brands BIGINT NOT NULL DEFAULT 0,
-- @both
    PRIMARY KEY (lvl, code, status, tier)
);

INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
SELECT 3, district_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY district_code, status, tier;
INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
SELECT 4, street_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY street_code, status, tier;

-- @sqlite
CREATE TRIGGER org_tally_ai AFTER INSERT ON orgs BEGIN
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (3, new.district_code, new.status, new.tier, 1, new.hub, new.brand)
        ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + 1, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (4, new.street_code, new.status, new.tier, 1, new.hub, new.brand)
        ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + 1, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;
END;

CREATE TRIGGER org_tally_ad AFTER DELETE ON orgs BEGIN
    UPDATE org_tally SET n = n - 1, hubs = hubs - old.hub, brands = brands - old.brand
        WHERE lvl = 3 AND code = old.district_code AND status = old.status AND tier = old.tier;
    UPDATE org_tally SET n = n - 1, hubs = hubs - old.hub, brands = brands - old.brand
        WHERE lvl = 4 AND code = old.street_code AND status = old.status AND tier = old.tier;
END;

CREATE TRIGGER org_tally_au AFTER UPDATE OF status, tier, hub, brand, district_code, street_code ON orgs
WHEN old.status IS NOT new.status OR old.tier IS NOT new.tier OR old.hub IS NOT new.hub OR old.brand IS NOT new.brand
  OR old.district_code IS NOT new.district_code OR old.street_code IS NOT new.street_code BEGIN
    UPDATE org_tally SET n = n - 1, hubs = hubs - old.hub, brands = brands - old.brand
        WHERE lvl = 3 AND code = old.district_code AND status = old.status AND tier = old.tier;
    UPDATE org_tally SET n = n - 1, hubs = hubs - old.hub, brands = brands - old.brand
        WHERE lvl = 4 AND code = old.street_code AND status = old.status AND tier = old.tier;
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (3, new.district_code, new.status, new.tier, 1, new.hub, new.brand)
        ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + 1, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (4, new.street_code, new.status, new.tier, 1, new.hub, new.brand)
        ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + 1, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;
END;

-- The search index in the organization's city and district: every token
-- of the document is indexed twice, behind the district code (440106舞)
-- and behind the city code and an x (4401x舞; the x keeps the two kinds
-- apart), so "舞蹈 in this city" or "in this district" is one phrase query
-- that reads only that place's postings, never the rest of the country.
-- org_search keeps the plain tokens (the small-list scan reads them) and
-- the district; the index is contentless, fed by triggers with the
-- prefixed tokens. Existing documents are dropped here and rebuilt by the
-- registry at start-up (EnsureSearchIndex), since only Go computes them.
DROP TRIGGER org_search_ai;
DROP TRIGGER org_search_ad;
DROP TRIGGER org_search_au;
DROP TABLE org_search_fts;
DELETE FROM org_search;
ALTER TABLE org_search ADD COLUMN district TEXT NOT NULL DEFAULT '';

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

-- Exact and prefix matches of a search rank first; they are found on the
-- normalized name within the district.
CREATE INDEX orgs_district_name ON orgs (district_code, name_key);

-- @postgres
CREATE FUNCTION org_tally_add(l INTEGER, c TEXT, st TEXT, t TEXT, d BIGINT, h BIGINT, b BIGINT) RETURNS void AS $$
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (l, c, st, t, d, h, b)
    ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = org_tally.n + excluded.n,
        hubs = org_tally.hubs + excluded.hubs, brands = org_tally.brands + excluded.brands;
$$ LANGUAGE sql;

CREATE FUNCTION org_tally_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND old.status IS NOT DISTINCT FROM new.status AND old.tier IS NOT DISTINCT FROM new.tier
       AND old.hub IS NOT DISTINCT FROM new.hub AND old.brand IS NOT DISTINCT FROM new.brand
       AND old.district_code IS NOT DISTINCT FROM new.district_code AND old.street_code IS NOT DISTINCT FROM new.street_code THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM org_tally_add(3, old.district_code, old.status, old.tier, -1, -old.hub, -old.brand);
        PERFORM org_tally_add(4, old.street_code, old.status, old.tier, -1, -old.hub, -old.brand);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM org_tally_add(3, new.district_code, new.status, new.tier, 1, new.hub, new.brand);
        PERFORM org_tally_add(4, new.street_code, new.status, new.tier, 1, new.hub, new.brand);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER org_tally_change AFTER INSERT OR UPDATE OR DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION org_tally_trigger();

-- The search index in the organization's city and district (tokens
-- 440106舞 and 4401x舞, see the SQLite migration): stored tsvector columns
-- with GIN indexes on them, so a phrase query within a city reads only that
-- city's postings and rechecks positions on the stored vector instead of
-- recomputing it. Existing documents are dropped and rebuilt by the
-- registry at start-up.
DROP INDEX org_search_chars;
DROP INDEX org_search_py;
DROP INDEX org_search_ini;
TRUNCATE org_search;
ALTER TABLE org_search ADD COLUMN district TEXT NOT NULL DEFAULT '';
ALTER TABLE org_search ADD COLUMN chars_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple',
    CASE WHEN chars = '' THEN '' ELSE district || replace(chars, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(chars, ' ', ' ' || substr(district, 1, 4) || 'x') END)) STORED;
ALTER TABLE org_search ADD COLUMN py_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple',
    CASE WHEN py = '' THEN '' ELSE district || replace(py, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(py, ' ', ' ' || substr(district, 1, 4) || 'x') END)) STORED;
ALTER TABLE org_search ADD COLUMN ini_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple',
    CASE WHEN ini = '' THEN '' ELSE district || replace(ini, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(ini, ' ', ' ' || substr(district, 1, 4) || 'x') END)) STORED;
CREATE INDEX org_search_chars ON org_search USING gin (chars_tsv);
CREATE INDEX org_search_py ON org_search USING gin (py_tsv);
CREATE INDEX org_search_ini ON org_search USING gin (ini_tsv);

CREATE INDEX orgs_district_name ON orgs (district_code, name_key text_pattern_ops);
