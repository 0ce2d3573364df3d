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
-- @postgres
--
-- PostgreSQL advances a district once per transaction (see kpi_bump): a
-- long transaction that writes many rows of one district (a census import)
-- would otherwise update the same counter row once per row, lengthening
-- its chain of row versions with every statement.
-- @both
CREATE TABLE kpi_changes (
    district TEXT PRIMARY KEY,
-- @sqlite
    n        INTEGER NOT NULL
-- @postgres
    n        BIGINT NOT NULL
-- @both
);

-- @sqlite
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
-- @postgres
-- kpi_bump advances a district's counter, once per transaction: readers see
-- a transaction's changes together, so one step is enough. The districts
-- already advanced are kept in a transaction-local setting, which a
-- rollback (of the transaction or a savepoint) undoes with the step.
CREATE FUNCTION kpi_bump(d TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    done TEXT := COALESCE(current_setting('linli.kpi_changed', true), '');
BEGIN
    IF d IS NULL OR strpos(done, ',' || d || ',') > 0 THEN
        RETURN;
    END IF;
    INSERT INTO kpi_changes (district, n) VALUES (d, 1)
    ON CONFLICT (district) DO UPDATE SET n = kpi_changes.n + 1;
    PERFORM set_config('linli.kpi_changed', CASE WHEN done = '' THEN ',' ELSE done END || d || ',', true);
END $$;

-- tables whose rows carry their district_code: orgs, bases, pilots
CREATE FUNCTION kpi_changes_by_district() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM kpi_bump(OLD.district_code);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM kpi_bump(NEW.district_code);
    END IF;
    RETURN NULL;
END $$;

-- org_history: the district of the organization
CREATE FUNCTION kpi_changes_org_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM kpi_bump((SELECT o.district_code FROM orgs o WHERE o.id = OLD.org_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM kpi_bump((SELECT o.district_code FROM orgs o WHERE o.id = NEW.org_id));
    END IF;
    RETURN NULL;
END $$;

-- hub_workers: the district of the hub
CREATE FUNCTION kpi_changes_hub_workers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM kpi_bump((SELECT o.district_code FROM orgs o WHERE o.id = OLD.hub_org_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM kpi_bump((SELECT o.district_code FROM orgs o WHERE o.id = NEW.hub_org_id));
    END IF;
    RETURN NULL;
END $$;
-- @both

-- divisions: a district and everything below it count for the district;
-- a province or city (its name is on the path of every dashboard below it)
-- for every dashboard.
-- @sqlite
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

-- @postgres
CREATE FUNCTION kpi_changes_divisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM kpi_bump(CASE WHEN length(OLD.code) >= 6 THEN substr(OLD.code, 1, 6) ELSE '' END);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM kpi_bump(CASE WHEN length(NEW.code) >= 6 THEN substr(NEW.code, 1, 6) ELSE '' END);
    END IF;
    RETURN NULL;
END $$;

-- the indicators: every dashboard
CREATE FUNCTION kpi_changes_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kpi_bump('');
    RETURN NULL;
END $$;

CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON bases
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON pilots
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON org_history
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_org_history();
CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON hub_workers
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_hub_workers();
CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON divisions
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_divisions();
CREATE TRIGGER kpi_changes AFTER INSERT OR UPDATE OR DELETE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_everywhere();
