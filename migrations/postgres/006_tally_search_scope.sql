-- Rollups and a scoped search index, for national scale (issue 6). See the
-- SQLite migration of the same number for the reasoning.

CREATE TABLE org_tally (
    lvl    INTEGER NOT NULL,
    code   TEXT NOT NULL,
    status TEXT NOT NULL,
    tier   TEXT NOT NULL,
    n      BIGINT NOT NULL DEFAULT 0,
    hubs   BIGINT NOT NULL DEFAULT 0,
    brands BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, code, status, tier)
);

INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
SELECT 3, district_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY district_code, status, tier;
INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
SELECT 4, street_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY street_code, status, tier;

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
