-- @sqlite
-- Set-based maintenance of what follows a batch insert on SQLite (issue 19:
-- the census import). SQLite has no statement-level triggers: the row-level
-- triggers on orgs and org_history updated the same few rows (a district's
-- tally and coverage, its change counter) once per inserted row, about
-- 190 µs of a census row. The registry's batch writers (insertOrgs,
-- writeHistory; a form's single insert is a batch of one) now switch those
-- insert triggers off for their statement with a flag row (org_bulk, only
-- ever set inside the writing transaction and cleared before it ends), and
-- then insert the statement's ids into a view whose INSTEAD OF trigger
-- applies the same maintenance once per batch: counts grouped by key, each
-- tally, coverage and counter row updated once. Updates and deletes keep
-- their row-level triggers, and so does any other writer of these tables
-- (the flag is not set): the derived tables stay equal to the records
-- whoever writes. Existing data is unchanged (the triggers compute what they
-- computed before). PostgreSQL's 034 already does this with transition
-- tables; its 041 has nothing to change.
-- @postgres
-- Set-based maintenance of what follows a batch insert (issue 19). On
-- PostgreSQL the insert triggers of orgs and org_history already run once
-- per statement (034, transition tables), and the census import writes its
-- batches with COPY (db.CopyFrom), which fires them the same way. SQLite's
-- 041 switches its row triggers off for a batch with the org_bulk flag and
-- applies the batch's maintenance once; the table exists here too, unused,
-- so that both engines keep the same tables.
-- @both
CREATE TABLE org_bulk (id INTEGER PRIMARY KEY CHECK (id = 1));

-- @sqlite
DROP TRIGGER org_tally_ai;
CREATE TRIGGER org_tally_ai AFTER INSERT ON orgs WHEN NOT EXISTS (SELECT 1 FROM org_bulk) BEGIN
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (3, new.district_code, new.status, new.tier, 1, new.hub, new.brand)
        ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + 1, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands) VALUES (4, new.street_code, new.status, new.tier, 1, new.hub, new.brand)
        ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + 1, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;
END;

DROP TRIGGER kpi_changes_orgs_ai;
CREATE TRIGGER kpi_changes_orgs_ai AFTER INSERT ON orgs WHEN NOT EXISTS (SELECT 1 FROM org_bulk) BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER kpi_changes_org_history_ai;
CREATE TRIGGER kpi_changes_org_history_ai AFTER INSERT ON org_history WHEN NOT EXISTS (SELECT 1 FROM org_bulk) BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = NEW.org_id
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER org_cover_ai;
CREATE TRIGGER org_cover_ai AFTER INSERT ON orgs WHEN new.status = 'active' AND NOT EXISTS (SELECT 1 FROM org_bulk) BEGIN
    INSERT INTO org_cover (lvl, dim, code, area, k, n)
    SELECT l.lvl, d.dim, l.code,
           CASE WHEN substr(new.community_code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
                WHEN substr(new.community_code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END,
           d.k, 1
    FROM (SELECT 3 AS lvl, new.district_code AS code UNION ALL SELECT 4, new.street_code UNION ALL SELECT 5, new.community_code) l,
         (SELECT 'group' AS dim, CAST(b AS TEXT) AS k FROM cover_bits WHERE (new.groups_mask >> b) & 1 = 1
          UNION ALL SELECT 'type', CAST(b AS TEXT) FROM cover_bits WHERE (new.types_mask >> b) & 1 = 1
          UNION ALL SELECT 'tier', new.tier UNION ALL SELECT 'all', ''
          UNION ALL SELECT 'mark', '' FROM cover_bits WHERE b = 0 AND new.volunteer_mark = 1) d
    WHERE 1 = 1
    ON CONFLICT (lvl, dim, code, area, k) DO UPDATE SET n = n + excluded.n;
END;

-- orgs_added: inserting ids (a JSON array) of organizations just inserted
-- with the flag set applies their tally, coverage and change counters, and
-- clears the flag.
CREATE VIEW orgs_added (ids) AS SELECT '[]';
CREATE TRIGGER orgs_added_apply INSTEAD OF INSERT ON orgs_added BEGIN
    INSERT INTO org_tally (lvl, code, status, tier, n, hubs, brands)
    SELECT l.lvl, CASE l.lvl WHEN 3 THEN o.district_code ELSE o.street_code END, o.status, o.tier, COUNT(*), SUM(o.hub), SUM(o.brand)
    FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value, (SELECT 3 AS lvl UNION ALL SELECT 4) l
    WHERE 1 = 1
    GROUP BY 1, 2, 3, 4
    ON CONFLICT (lvl, code, status, tier) DO UPDATE SET n = n + excluded.n, hubs = hubs + excluded.hubs, brands = brands + excluded.brands;

    INSERT INTO kpi_changes (district, n)
    SELECT o.district_code, COUNT(*) FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value
    WHERE 1 = 1
    GROUP BY 1
    ON CONFLICT (district) DO UPDATE SET n = n + excluded.n;

    INSERT INTO org_cover (lvl, dim, code, area, k, n)
    SELECT l.lvl, d.dim, CASE l.lvl WHEN 3 THEN a.district_code WHEN 4 THEN a.street_code ELSE a.community_code END,
           a.area, d.k, COUNT(*)
    FROM (SELECT o.id, o.district_code, o.street_code, o.community_code,
                 CASE WHEN substr(o.community_code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
                      WHEN substr(o.community_code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END AS area
          FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value WHERE o.status = 'active') a
    JOIN (SELECT o.id, 'group' AS dim, CAST(b.b AS TEXT) AS k FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value
              JOIN cover_bits b ON (o.groups_mask >> b.b) & 1 = 1 WHERE o.status = 'active'
          UNION ALL SELECT o.id, 'type', CAST(b.b AS TEXT) FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value
              JOIN cover_bits b ON (o.types_mask >> b.b) & 1 = 1 WHERE o.status = 'active'
          UNION ALL SELECT o.id, 'tier', o.tier FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value WHERE o.status = 'active'
          UNION ALL SELECT o.id, 'all', '' FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value WHERE o.status = 'active'
          UNION ALL SELECT o.id, 'mark', '' FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value
              WHERE o.status = 'active' AND o.volunteer_mark = 1) d ON d.id = a.id,
         (SELECT 3 AS lvl UNION ALL SELECT 4 UNION ALL SELECT 5) l
    WHERE 1 = 1
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (lvl, dim, code, area, k) DO UPDATE SET n = n + excluded.n;

    DELETE FROM org_bulk;
END;

-- history_added: the same for history rows just inserted with the flag set,
-- by the ids of their organizations (one per history row, repeated).
CREATE VIEW history_added (ids) AS SELECT '[]';
CREATE TRIGGER history_added_apply INSTEAD OF INSERT ON history_added BEGIN
    INSERT INTO kpi_changes (district, n)
    SELECT o.district_code, COUNT(*) FROM json_each(new.ids) j JOIN orgs o ON o.id = j.value
    WHERE 1 = 1
    GROUP BY 1
    ON CONFLICT (district) DO UPDATE SET n = n + excluded.n;

    DELETE FROM org_bulk;
END;
