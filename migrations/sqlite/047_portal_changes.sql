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
CREATE TABLE portal_changes (
    place TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
);

-- publication settings: the organization's district, and when what it
-- publishes of its activities changes, the districts of its activities
-- (an organization may host one outside its district)
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

-- an organization's name or status shows on its activities' pages (an
-- active host's activities are public): those districts, when either
-- changes (its own district moves kpi_changes)
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
