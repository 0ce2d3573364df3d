-- @sqlite
-- org_tally as a clustered table (WITHOUT ROWID): its readers sum a range of
-- its primary key (a city's districts, by status and tier), which in a rowid
-- table costs a second lookup per row into the table; a search's scope
-- check spent a tenth of its time there at national scale. PostgreSQL's 010
-- has nothing to change.
DROP TRIGGER org_tally_ai;
DROP TRIGGER org_tally_ad;
DROP TRIGGER org_tally_au;
ALTER TABLE org_tally RENAME TO org_tally_old;
CREATE TABLE org_tally (
    lvl    INTEGER NOT NULL,
    code   TEXT NOT NULL,
    status TEXT NOT NULL,
    tier   TEXT NOT NULL,
    n      INTEGER NOT NULL DEFAULT 0,
    hubs   INTEGER NOT NULL DEFAULT 0,
    brands INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, code, status, tier)
) WITHOUT ROWID;
INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
SELECT lvl, code, status, tier, n, hubs, brands FROM org_tally_old;
DROP TABLE org_tally_old;

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

-- @postgres
-- SQLite's 010 makes org_tally a clustered (WITHOUT ROWID) table; a
-- PostgreSQL table is a heap either way, and its readers touch a few
-- dozen rows through the primary key, so nothing changes here.
SELECT 1;
