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
--
-- Statement-level triggers with transition tables: a bulk insert (COPY, a
-- census import's multi-row statement) advances each district it touches
-- once, not once per row.
CREATE TABLE kpi_changes (
    district TEXT PRIMARY KEY,
    n        BIGINT NOT NULL
);

CREATE FUNCTION kpi_bump(ds TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kpi_changes (district, n)
    SELECT d, 1 FROM (SELECT DISTINCT unnest(ds) AS d) x WHERE d IS NOT NULL ORDER BY d
    ON CONFLICT (district) DO UPDATE SET n = kpi_changes.n + 1;
END $$;

-- tables whose rows carry their district_code: orgs, bases, pilots
CREATE FUNCTION kpi_changes_by_district() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT district_code FROM nt));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM kpi_bump(ARRAY(SELECT district_code FROM ot UNION SELECT district_code FROM nt));
    ELSE
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT district_code FROM ot));
    END IF;
    RETURN NULL;
END $$;

-- tables whose rows point at an organization: org_history (org_id),
-- hub_workers (hub_org_id)
CREATE FUNCTION kpi_changes_org_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT o.district_code FROM orgs o WHERE o.id IN (SELECT org_id FROM nt)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT o.district_code FROM orgs o
            WHERE o.id IN (SELECT org_id FROM ot UNION SELECT org_id FROM nt)));
    ELSE
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT o.district_code FROM orgs o WHERE o.id IN (SELECT org_id FROM ot)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION kpi_changes_hub_workers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT o.district_code FROM orgs o WHERE o.id IN (SELECT hub_org_id FROM nt)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT o.district_code FROM orgs o
            WHERE o.id IN (SELECT hub_org_id FROM ot UNION SELECT hub_org_id FROM nt)));
    ELSE
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT o.district_code FROM orgs o WHERE o.id IN (SELECT hub_org_id FROM ot)));
    END IF;
    RETURN NULL;
END $$;

-- divisions: a district and everything below it count for the district;
-- a province or city (its name is on the path of every dashboard below it)
-- for every dashboard.
CREATE FUNCTION kpi_changes_divisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT CASE WHEN length(code) >= 6 THEN substr(code, 1, 6) ELSE '' END FROM nt));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM kpi_bump(ARRAY(SELECT CASE WHEN length(code) >= 6 THEN substr(code, 1, 6) ELSE '' END FROM ot
            UNION SELECT CASE WHEN length(code) >= 6 THEN substr(code, 1, 6) ELSE '' END FROM nt));
    ELSE
        PERFORM kpi_bump(ARRAY(SELECT DISTINCT CASE WHEN length(code) >= 6 THEN substr(code, 1, 6) ELSE '' END FROM ot));
    END IF;
    RETURN NULL;
END $$;

-- the indicators: every dashboard
CREATE FUNCTION kpi_changes_everywhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kpi_bump(ARRAY['']);
    RETURN NULL;
END $$;

CREATE TRIGGER kpi_changes_orgs_i AFTER INSERT ON orgs REFERENCING NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes_orgs_u AFTER UPDATE ON orgs REFERENCING OLD TABLE AS ot NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes_orgs_d AFTER DELETE ON orgs REFERENCING OLD TABLE AS ot
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();

CREATE TRIGGER kpi_changes_bases_i AFTER INSERT ON bases REFERENCING NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes_bases_u AFTER UPDATE ON bases REFERENCING OLD TABLE AS ot NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes_bases_d AFTER DELETE ON bases REFERENCING OLD TABLE AS ot
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();

CREATE TRIGGER kpi_changes_pilots_i AFTER INSERT ON pilots REFERENCING NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes_pilots_u AFTER UPDATE ON pilots REFERENCING OLD TABLE AS ot NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();
CREATE TRIGGER kpi_changes_pilots_d AFTER DELETE ON pilots REFERENCING OLD TABLE AS ot
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_by_district();

CREATE TRIGGER kpi_changes_org_history_i AFTER INSERT ON org_history REFERENCING NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_org_history();
CREATE TRIGGER kpi_changes_org_history_u AFTER UPDATE ON org_history REFERENCING OLD TABLE AS ot NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_org_history();
CREATE TRIGGER kpi_changes_org_history_d AFTER DELETE ON org_history REFERENCING OLD TABLE AS ot
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_org_history();

CREATE TRIGGER kpi_changes_hub_workers_i AFTER INSERT ON hub_workers REFERENCING NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_hub_workers();
CREATE TRIGGER kpi_changes_hub_workers_u AFTER UPDATE ON hub_workers REFERENCING OLD TABLE AS ot NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_hub_workers();
CREATE TRIGGER kpi_changes_hub_workers_d AFTER DELETE ON hub_workers REFERENCING OLD TABLE AS ot
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_hub_workers();

CREATE TRIGGER kpi_changes_divisions_i AFTER INSERT ON divisions REFERENCING NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_divisions();
CREATE TRIGGER kpi_changes_divisions_u AFTER UPDATE ON divisions REFERENCING OLD TABLE AS ot NEW TABLE AS nt
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_divisions();
CREATE TRIGGER kpi_changes_divisions_d AFTER DELETE ON divisions REFERENCING OLD TABLE AS ot
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_divisions();

CREATE TRIGGER kpi_changes_indicators AFTER INSERT OR UPDATE OR DELETE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_everywhere();
