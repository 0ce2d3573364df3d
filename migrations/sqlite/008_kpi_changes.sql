-- Change counters for the indicator dashboards' cache: one row per district
-- (its 6-digit code; '' for changes that may touch any dashboard: the
-- indicators themselves, divisions above districts). Every insert, update
-- or delete of a record an indicator reads (kpi/sources.go: orgs,
-- org_history, hub_workers, bases, pilots; the divisions units are listed
-- from; the indicators) advances its district's counter in the same
-- transaction, whatever wrote it (services, census import, loaders). A
-- cached evaluation at a unit stays valid while the sum of the counters of
-- the districts under it (and of '') is unchanged: counters only grow, so
-- an equal sum means no change. Dated history counts like any change.
CREATE TABLE kpi_changes (
    district TEXT PRIMARY KEY,
    n        INTEGER NOT NULL
);

CREATE TRIGGER kpi_changes_orgs_ai AFTER INSERT ON orgs BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_orgs_au AFTER UPDATE ON orgs BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_orgs_ad AFTER DELETE ON orgs BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER kpi_changes_org_history_ai AFTER INSERT ON org_history BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = NEW.org_id
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_org_history_au AFTER UPDATE ON org_history BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id IN (OLD.org_id, NEW.org_id)
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_org_history_ad AFTER DELETE ON org_history BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = OLD.org_id
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER kpi_changes_hub_workers_ai AFTER INSERT ON hub_workers BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = NEW.hub_org_id
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_hub_workers_au AFTER UPDATE ON hub_workers BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id IN (OLD.hub_org_id, NEW.hub_org_id)
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_hub_workers_ad AFTER DELETE ON hub_workers BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = OLD.hub_org_id
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER kpi_changes_bases_ai AFTER INSERT ON bases BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_bases_au AFTER UPDATE ON bases BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_bases_ad AFTER DELETE ON bases BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER kpi_changes_pilots_ai AFTER INSERT ON pilots BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_pilots_au AFTER UPDATE ON pilots BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_pilots_ad AFTER DELETE ON pilots BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

-- divisions: a district and everything below it count for the district;
-- a province or city (its name is on the path of every dashboard below it)
-- for every dashboard.
CREATE TRIGGER kpi_changes_divisions_ai AFTER INSERT ON divisions BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (CASE WHEN length(NEW.code) >= 6 THEN substr(NEW.code, 1, 6) ELSE '' END, 1)
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_divisions_au AFTER UPDATE ON divisions BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (CASE WHEN length(OLD.code) >= 6 THEN substr(OLD.code, 1, 6) ELSE '' END, 1)
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT CASE WHEN length(NEW.code) >= 6 THEN substr(NEW.code, 1, 6) ELSE '' END, 1
        WHERE NEW.code <> OLD.code ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_divisions_ad AFTER DELETE ON divisions BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (CASE WHEN length(OLD.code) >= 6 THEN substr(OLD.code, 1, 6) ELSE '' END, 1)
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER kpi_changes_indicators_ai AFTER INSERT ON indicators BEGIN
    INSERT INTO kpi_changes (district, n) VALUES ('', 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_indicators_au AFTER UPDATE ON indicators BEGIN
    INSERT INTO kpi_changes (district, n) VALUES ('', 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_indicators_ad AFTER DELETE ON indicators BEGIN
    INSERT INTO kpi_changes (district, n) VALUES ('', 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
