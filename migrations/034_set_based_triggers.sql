-- @sqlite
-- Set-based maintenance after inserts is PostgreSQL's (see its migration of
-- the same number): SQLite has no statement-level triggers, and its
-- row-level ones update the tally rows in place, without the growing chain
-- of row versions that made them costly on PostgreSQL. Nothing changes here.
SELECT 1;

-- @postgres
-- Set-based maintenance of what follows an insert (issue 19: the census
-- import). The row-level triggers on orgs, org_history and audit_log ran
-- once per inserted row and each updated the same few rows (a district's
-- tally and coverage, the audit chain's head) again and again: in one
-- transaction every update of a row adds a version that the next update
-- must walk past, so a 20,000-row import spent most of its time there.
-- Inserts now fire one trigger per statement, which reads the statement's
-- new rows (a transition table) and updates each tally, coverage and head
-- row once; updates and deletes (one row at a time: forms, lifecycle) keep
-- the row-level triggers, which still handle those operations unchanged.

-- orgs: the tally by district and street
DROP TRIGGER org_tally_change ON orgs;
CREATE TRIGGER org_tally_change AFTER UPDATE OR DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION org_tally_trigger();
CREATE FUNCTION org_tally_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
    SELECT l.lvl, l.code, r.status, r.tier, COUNT(*), SUM(r.hub), SUM(r.brand)
    FROM new_orgs r CROSS JOIN LATERAL (VALUES (3, r.district_code), (4, r.street_code)) l (lvl, code)
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = org_tally.n + excluded.n,
        hubs = org_tally.hubs + excluded.hubs, brands = org_tally.brands + excluded.brands;
    RETURN NULL;
END $$;
CREATE TRIGGER org_tally_insert AFTER INSERT ON orgs REFERENCING NEW TABLE AS new_orgs
    FOR EACH STATEMENT EXECUTE FUNCTION org_tally_insert();

-- orgs: coverage of the active ones by place, area and dimension
DROP TRIGGER org_cover_change ON orgs;
CREATE TRIGGER org_cover_change AFTER UPDATE OR DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION org_cover_trigger();
CREATE FUNCTION org_cover_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO org_cover (lvl, dim, code, area, k, n)
    SELECT l.lvl, x.dim, l.code, org_cover_area(r.community_code), x.k, COUNT(*)
    FROM new_orgs r
    CROSS JOIN LATERAL (VALUES (3, r.district_code), (4, r.street_code), (5, r.community_code)) l (lvl, code)
    CROSS JOIN LATERAL (SELECT 'group' AS dim, b::text AS k FROM cover_bits WHERE (r.groups_mask::bigint >> b) & 1 = 1
          UNION ALL SELECT 'type', b::text FROM cover_bits WHERE (r.types_mask::bigint >> b) & 1 = 1
          UNION ALL SELECT 'tier', r.tier UNION ALL SELECT 'all', ''
          UNION ALL SELECT 'mark', '' WHERE r.volunteer_mark = 1) x
    WHERE r.status = 'active'
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (lvl, dim, code, area, k) DO UPDATE SET n = org_cover.n + excluded.n;
    RETURN NULL;
END $$;
CREATE TRIGGER org_cover_insert AFTER INSERT ON orgs REFERENCING NEW TABLE AS new_orgs
    FOR EACH STATEMENT EXECUTE FUNCTION org_cover_insert();

-- orgs and org_history: the dashboards' change counters, a district once
DROP TRIGGER kpi_changes ON orgs;
CREATE TRIGGER kpi_changes AFTER UPDATE OR DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_by_district();
CREATE FUNCTION kpi_changes_orgs_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kpi_bump(d) FROM (SELECT DISTINCT district_code AS d FROM new_orgs) x;
    RETURN NULL;
END $$;
CREATE TRIGGER kpi_changes_insert AFTER INSERT ON orgs REFERENCING NEW TABLE AS new_orgs
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_orgs_insert();

DROP TRIGGER kpi_changes ON org_history;
CREATE TRIGGER kpi_changes AFTER UPDATE OR DELETE ON org_history
    FOR EACH ROW EXECUTE FUNCTION kpi_changes_org_history();
CREATE FUNCTION kpi_changes_org_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM kpi_bump(d) FROM (SELECT DISTINCT o.district_code AS d FROM new_history h JOIN orgs o ON o.id = h.org_id) x;
    RETURN NULL;
END $$;
CREATE TRIGGER kpi_changes_insert AFTER INSERT ON org_history REFERENCING NEW TABLE AS new_history
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_changes_org_history_insert();

-- audit_log: the chain's head follows the statement's last row
DROP TRIGGER audit_log_head ON audit_log;
CREATE FUNCTION audit_head_follow_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET last_hash = x.hash
    FROM (SELECT hash FROM new_audit ORDER BY seq DESC LIMIT 1) x WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log REFERENCING NEW TABLE AS new_audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_follow_rows();
