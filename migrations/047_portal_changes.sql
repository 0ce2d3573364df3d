-- Change counters for the public portal's page cache (issue 17): one row
-- per place, the district (6 digits) of what changed, or the city or
-- province code of what is run above districts (a city's project call).
-- Every insert, update or delete of a record a place's page shows beyond
-- what the dashboards' counters (kpi_changes, 008) already cover advances
-- its place's counter in the writer's transaction: organizations'
-- publication settings, activities, typical cases, surveys and their
-- answers, project calls and their awards. A cached page of a place stays
-- valid while the sum of these counters over the place's district (or the
-- districts under a city) and the places above it, plus the dashboards'
-- counters of the same districts, is unchanged (portal/cache.go). Counters
-- only grow. A district's row is the hottest a writer touches: no row is
-- shared by all the writers of a city. Existing data is unchanged; the
-- table starts empty (a missing row reads as 0).
-- @postgres
--
-- As kpi_bump, a place advances once per transaction, and inserts of
-- activities (written in batches) fire once per statement.
-- @both
CREATE TABLE portal_changes (
    place TEXT PRIMARY KEY,
-- @sqlite
    n     INTEGER NOT NULL
);
-- @postgres
    n     BIGINT NOT NULL
);

CREATE FUNCTION portal_bump(p TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    done TEXT := COALESCE(current_setting('linli.portal_changed', true), '');
BEGIN
    IF p IS NULL OR strpos(done, ',' || p || ',') > 0 THEN
        RETURN;
    END IF;
    INSERT INTO portal_changes (place, n) VALUES (p, 1)
    ON CONFLICT (place) DO UPDATE SET n = portal_changes.n + 1;
    PERFORM set_config('linli.portal_changed', CASE WHEN done = '' THEN ',' ELSE done END || p || ',', true);
END $$;

-- tables whose rows carry their district_code
CREATE FUNCTION portal_changes_by_district() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM portal_bump(OLD.district_code);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portal_bump(NEW.district_code);
    END IF;
    RETURN NULL;
END $$;
-- @both

-- publication settings: the organization's district, and when what it
-- publishes of its activities changes, the districts of its activities
-- (an organization may host one outside its district)
-- @sqlite
CREATE TRIGGER portal_changes_publications_ai AFTER INSERT ON portal_publications BEGIN
    INSERT INTO portal_changes (place, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = NEW.org_id
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT DISTINCT a.district_code, 1 FROM activities a WHERE a.org_id = NEW.org_id AND NEW.activities = 1
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_publications_au AFTER UPDATE ON portal_publications BEGIN
    INSERT INTO portal_changes (place, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id IN (OLD.org_id, NEW.org_id)
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT DISTINCT a.district_code, 1 FROM activities a
        WHERE a.org_id IN (OLD.org_id, NEW.org_id) AND NEW.activities <> OLD.activities
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_publications_ad AFTER DELETE ON portal_publications BEGIN
    INSERT INTO portal_changes (place, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = OLD.org_id
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT DISTINCT a.district_code, 1 FROM activities a WHERE a.org_id = OLD.org_id AND OLD.activities = 1
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
-- @postgres
CREATE FUNCTION portal_changes_publications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM portal_bump((SELECT o.district_code FROM orgs o WHERE o.id = OLD.org_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portal_bump((SELECT o.district_code FROM orgs o WHERE o.id = NEW.org_id));
    END IF;
    IF (TG_OP = 'INSERT' AND NEW.activities = 1) OR (TG_OP = 'UPDATE' AND NEW.activities <> OLD.activities) THEN
        PERFORM portal_bump(d) FROM (SELECT DISTINCT district_code AS d FROM activities WHERE org_id = NEW.org_id) x;
    ELSIF TG_OP = 'DELETE' AND OLD.activities = 1 THEN
        PERFORM portal_bump(d) FROM (SELECT DISTINCT district_code AS d FROM activities WHERE org_id = OLD.org_id) x;
    END IF;
    RETURN NULL;
END $$;
-- @both

-- an organization's name or status shows on its activities' pages (an
-- active host's activities are public): those districts, when either
-- changes (its own district moves kpi_changes)
-- @sqlite
CREATE TRIGGER portal_changes_orgs_au AFTER UPDATE OF name, status ON orgs
    WHEN NEW.name <> OLD.name OR NEW.status <> OLD.status BEGIN
    INSERT INTO portal_changes (place, n) SELECT DISTINCT a.district_code, 1 FROM activities a WHERE a.org_id = NEW.id
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

-- activities, typical cases, surveys, survey answers: their district_code
CREATE TRIGGER portal_changes_activities_ai AFTER INSERT ON activities BEGIN
    INSERT INTO portal_changes (place, n) VALUES (NEW.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_activities_au AFTER UPDATE ON activities BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_activities_ad AFTER DELETE ON activities BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER portal_changes_cases_ai AFTER INSERT ON cases BEGIN
    INSERT INTO portal_changes (place, n) VALUES (NEW.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_cases_au AFTER UPDATE ON cases BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_cases_ad AFTER DELETE ON cases BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER portal_changes_surveys_ai AFTER INSERT ON surveys BEGIN
    INSERT INTO portal_changes (place, n) VALUES (NEW.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_surveys_au AFTER UPDATE ON surveys BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_surveys_ad AFTER DELETE ON surveys BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER portal_changes_survey_answers_ai AFTER INSERT ON survey_answers BEGIN
    INSERT INTO portal_changes (place, n) VALUES (NEW.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_survey_answers_ad AFTER DELETE ON survey_answers BEGIN
    INSERT INTO portal_changes (place, n) VALUES (OLD.district_code, 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

-- project calls: the call's unit, cut to its district (a city's or a
-- province's call: its own code, read by every page below it); awards
-- (fund_projects): their call's
CREATE TRIGGER portal_changes_fund_calls_ai AFTER INSERT ON fund_calls BEGIN
    INSERT INTO portal_changes (place, n) VALUES (substr(NEW.unit_code, 1, 6), 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_fund_calls_au AFTER UPDATE ON fund_calls BEGIN
    INSERT INTO portal_changes (place, n) VALUES (substr(OLD.unit_code, 1, 6), 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
    INSERT INTO portal_changes (place, n) SELECT substr(NEW.unit_code, 1, 6), 1 WHERE NEW.unit_code <> OLD.unit_code
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_fund_calls_ad AFTER DELETE ON fund_calls BEGIN
    INSERT INTO portal_changes (place, n) VALUES (substr(OLD.unit_code, 1, 6), 1) ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER portal_changes_fund_projects_ai AFTER INSERT ON fund_projects BEGIN
    INSERT INTO portal_changes (place, n) SELECT substr(c.unit_code, 1, 6), 1 FROM fund_calls c WHERE c.id = NEW.call_id
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_fund_projects_au AFTER UPDATE ON fund_projects BEGIN
    INSERT INTO portal_changes (place, n) SELECT substr(c.unit_code, 1, 6), 1 FROM fund_calls c WHERE c.id IN (OLD.call_id, NEW.call_id)
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER portal_changes_fund_projects_ad AFTER DELETE ON fund_projects BEGIN
    INSERT INTO portal_changes (place, n) SELECT substr(c.unit_code, 1, 6), 1 FROM fund_calls c WHERE c.id = OLD.call_id
        ON CONFLICT (place) DO UPDATE SET n = n + 1;
END;

-- @postgres
CREATE FUNCTION portal_changes_orgs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM portal_bump(d) FROM (SELECT DISTINCT district_code AS d FROM activities WHERE org_id = NEW.id) x;
    RETURN NULL;
END $$;
CREATE TRIGGER portal_changes AFTER UPDATE OF name, status ON orgs
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION portal_changes_orgs();

-- project calls: the call's unit cut to its district
CREATE FUNCTION portal_changes_fund_calls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM portal_bump(substr(OLD.unit_code, 1, 6));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portal_bump(substr(NEW.unit_code, 1, 6));
    END IF;
    RETURN NULL;
END $$;

-- awards: their call's place
CREATE FUNCTION portal_changes_fund_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM portal_bump((SELECT substr(c.unit_code, 1, 6) FROM fund_calls c WHERE c.id = OLD.call_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM portal_bump((SELECT substr(c.unit_code, 1, 6) FROM fund_calls c WHERE c.id = NEW.call_id));
    END IF;
    RETURN NULL;
END $$;

-- activities: inserts once per statement (batches), the rest per row
CREATE FUNCTION portal_changes_activities_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM portal_bump(d) FROM (SELECT DISTINCT district_code AS d FROM new_activities) x;
    RETURN NULL;
END $$;

CREATE TRIGGER portal_changes_insert AFTER INSERT ON activities REFERENCING NEW TABLE AS new_activities
    FOR EACH STATEMENT EXECUTE FUNCTION portal_changes_activities_insert();
CREATE TRIGGER portal_changes AFTER UPDATE OR DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION portal_changes_by_district();
CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON portal_publications
    FOR EACH ROW EXECUTE FUNCTION portal_changes_publications();
CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION portal_changes_by_district();
CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON surveys
    FOR EACH ROW EXECUTE FUNCTION portal_changes_by_district();
CREATE TRIGGER portal_changes AFTER INSERT OR DELETE ON survey_answers
    FOR EACH ROW EXECUTE FUNCTION portal_changes_by_district();
CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON fund_calls
    FOR EACH ROW EXECUTE FUNCTION portal_changes_fund_calls();
CREATE TRIGGER portal_changes AFTER INSERT OR UPDATE OR DELETE ON fund_projects
    FOR EACH ROW EXECUTE FUNCTION portal_changes_fund_projects();
