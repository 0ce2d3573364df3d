-- @sqlite
-- Coverage (issue 20): which places have active organizations serving whom.
--
-- org_cover counts the ACTIVE organizations of every district (lvl 3),
-- street (lvl 4) and community (lvl 5) by one dimension at a time:
--   dim 'all'   k ''               every active organization
--   dim 'group' k bit number       serving target group bit k (registry.TargetGroups)
--   dim 'type'  k bit number       of type bit k (registry.Types)
--   dim 'tier'  k the tier         of that management tier
--   dim 'mark'  k ''               carrying the 志愿服务组织标识 (volunteer_mark)
-- area is the kind of the organization's community by its code's last
-- three digits (urban 001–199 居委会, rural 200–399 村委会, other), so urban
-- and rural coverage read apart. Bits are numbers, not names: the triggers
-- expand a mask over cover_bits, so a group appended to the registry's list
-- needs no migration. Triggers on orgs keep it in the writing transaction
-- whichever code path writes (tested equal to the records); a city's report
-- reads a few rows per district.
CREATE TABLE cover_bits (b INTEGER PRIMARY KEY);
INSERT INTO cover_bits (b) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),
    (16),(17),(18),(19),(20),(21),(22),(23),(24),(25),(26),(27),(28),(29),(30),(31),
    (32),(33),(34),(35),(36),(37),(38),(39),(40),(41),(42),(43),(44),(45),(46),(47),
    (48),(49),(50),(51),(52),(53),(54),(55),(56),(57),(58),(59),(60),(61),(62);
-- @postgres
-- Coverage (issue 20): active organizations by place, area and one
-- dimension at a time (all, target-group bit, type bit, tier, volunteer
-- mark). See the SQLite migration of the same number for the reasoning.
CREATE TABLE cover_bits (b INTEGER PRIMARY KEY);
INSERT INTO cover_bits (b) SELECT generate_series(0, 62);
-- @both

CREATE TABLE org_cover (
    lvl  INTEGER NOT NULL,
    dim  TEXT NOT NULL,
    code TEXT NOT NULL,
    area TEXT NOT NULL,
    k    TEXT NOT NULL,
-- @sqlite
    n    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, dim, code, area, k)
) WITHOUT ROWID;
-- @postgres
    n    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, dim, code, area, k)
);

CREATE FUNCTION org_cover_area(c TEXT) RETURNS TEXT AS $$
    SELECT CASE WHEN substr(c, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
                WHEN substr(c, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END;
$$ LANGUAGE sql IMMUTABLE;
-- @both

INSERT INTO org_cover (lvl, dim, code, area, k, n)
SELECT l.lvl, d.dim,
       CASE l.lvl WHEN 3 THEN o.district_code WHEN 4 THEN o.street_code ELSE o.community_code END,
-- @sqlite
       CASE WHEN substr(o.community_code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
            WHEN substr(o.community_code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END,
       CASE d.dim WHEN 'tier' THEN o.tier WHEN 'group' THEN CAST(d.b AS TEXT) WHEN 'type' THEN CAST(d.b AS TEXT) ELSE '' END,
-- @postgres
       org_cover_area(o.community_code),
       CASE d.dim WHEN 'tier' THEN o.tier WHEN 'group' THEN d.b::text WHEN 'type' THEN d.b::text ELSE '' END,
-- @both
       COUNT(*)
FROM orgs o,
     (SELECT 3 AS lvl UNION ALL SELECT 4 UNION ALL SELECT 5) l,
     (SELECT 'group' AS dim, b FROM cover_bits UNION ALL SELECT 'type', b FROM cover_bits
      UNION ALL SELECT 'tier', -1 UNION ALL SELECT 'all', -1 UNION ALL SELECT 'mark', -1) d
-- @sqlite
WHERE o.status = 'active' AND CASE d.dim WHEN 'group' THEN (o.groups_mask >> d.b) & 1 = 1
    WHEN 'type' THEN (o.types_mask >> d.b) & 1 = 1 WHEN 'mark' THEN o.volunteer_mark = 1 ELSE 1 = 1 END
-- @postgres
WHERE o.status = 'active' AND CASE d.dim WHEN 'group' THEN (o.groups_mask::bigint >> d.b) & 1 = 1
    WHEN 'type' THEN (o.types_mask::bigint >> d.b) & 1 = 1 WHEN 'mark' THEN o.volunteer_mark = 1 ELSE true END
-- @both
GROUP BY 1, 2, 3, 4, 5;

-- @sqlite
CREATE TRIGGER org_cover_ai AFTER INSERT ON orgs WHEN new.status = 'active' BEGIN
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

CREATE TRIGGER org_cover_ad AFTER DELETE ON orgs WHEN old.status = 'active' BEGIN
    INSERT INTO org_cover (lvl, dim, code, area, k, n)
    SELECT l.lvl, d.dim, l.code,
           CASE WHEN substr(old.community_code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
                WHEN substr(old.community_code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END,
           d.k, -1
    FROM (SELECT 3 AS lvl, old.district_code AS code UNION ALL SELECT 4, old.street_code UNION ALL SELECT 5, old.community_code) l,
         (SELECT 'group' AS dim, CAST(b AS TEXT) AS k FROM cover_bits WHERE (old.groups_mask >> b) & 1 = 1
          UNION ALL SELECT 'type', CAST(b AS TEXT) FROM cover_bits WHERE (old.types_mask >> b) & 1 = 1
          UNION ALL SELECT 'tier', old.tier UNION ALL SELECT 'all', ''
          UNION ALL SELECT 'mark', '' FROM cover_bits WHERE b = 0 AND old.volunteer_mark = 1) d
    WHERE 1 = 1
    ON CONFLICT (lvl, dim, code, area, k) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER org_cover_au_old AFTER UPDATE OF status, tier, types_mask, groups_mask, volunteer_mark, community_code, street_code, district_code ON orgs
WHEN old.status = 'active' AND (old.status IS NOT new.status OR old.tier IS NOT new.tier OR old.types_mask IS NOT new.types_mask
  OR old.groups_mask IS NOT new.groups_mask OR old.volunteer_mark IS NOT new.volunteer_mark
  OR old.community_code IS NOT new.community_code OR old.street_code IS NOT new.street_code OR old.district_code IS NOT new.district_code) BEGIN
    INSERT INTO org_cover (lvl, dim, code, area, k, n)
    SELECT l.lvl, d.dim, l.code,
           CASE WHEN substr(old.community_code, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
                WHEN substr(old.community_code, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END,
           d.k, -1
    FROM (SELECT 3 AS lvl, old.district_code AS code UNION ALL SELECT 4, old.street_code UNION ALL SELECT 5, old.community_code) l,
         (SELECT 'group' AS dim, CAST(b AS TEXT) AS k FROM cover_bits WHERE (old.groups_mask >> b) & 1 = 1
          UNION ALL SELECT 'type', CAST(b AS TEXT) FROM cover_bits WHERE (old.types_mask >> b) & 1 = 1
          UNION ALL SELECT 'tier', old.tier UNION ALL SELECT 'all', ''
          UNION ALL SELECT 'mark', '' FROM cover_bits WHERE b = 0 AND old.volunteer_mark = 1) d
    WHERE 1 = 1
    ON CONFLICT (lvl, dim, code, area, k) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER org_cover_au_new AFTER UPDATE OF status, tier, types_mask, groups_mask, volunteer_mark, community_code, street_code, district_code ON orgs
WHEN new.status = 'active' AND (old.status IS NOT new.status OR old.tier IS NOT new.tier OR old.types_mask IS NOT new.types_mask
  OR old.groups_mask IS NOT new.groups_mask OR old.volunteer_mark IS NOT new.volunteer_mark
  OR old.community_code IS NOT new.community_code OR old.street_code IS NOT new.street_code OR old.district_code IS NOT new.district_code) BEGIN
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

-- @postgres
CREATE FUNCTION org_cover_add(dc TEXT, sc TEXT, cc TEXT, t TEXT, tm BIGINT, gm BIGINT, mark INTEGER, d BIGINT) RETURNS void AS $$
    INSERT INTO org_cover (lvl, dim, code, area, k, n)
    SELECT l.lvl, x.dim, l.code, org_cover_area(cc), x.k, d
    FROM (VALUES (3, dc), (4, sc), (5, cc)) l (lvl, code),
         (SELECT 'group' AS dim, b::text AS k FROM cover_bits WHERE (gm >> b) & 1 = 1
          UNION ALL SELECT 'type', b::text FROM cover_bits WHERE (tm >> b) & 1 = 1
          UNION ALL SELECT 'tier', t UNION ALL SELECT 'all', ''
          UNION ALL SELECT 'mark', '' WHERE mark = 1) x
    ON CONFLICT (lvl, dim, code, area, k) DO UPDATE SET n = org_cover.n + excluded.n;
$$ LANGUAGE sql;

CREATE FUNCTION org_cover_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND old.status IS NOT DISTINCT FROM new.status AND old.tier IS NOT DISTINCT FROM new.tier
       AND old.types_mask IS NOT DISTINCT FROM new.types_mask AND old.groups_mask IS NOT DISTINCT FROM new.groups_mask
       AND old.volunteer_mark IS NOT DISTINCT FROM new.volunteer_mark AND old.community_code IS NOT DISTINCT FROM new.community_code
       AND old.street_code IS NOT DISTINCT FROM new.street_code AND old.district_code IS NOT DISTINCT FROM new.district_code THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND old.status = 'active' THEN
        PERFORM org_cover_add(old.district_code, old.street_code, old.community_code, old.tier, old.types_mask, old.groups_mask, old.volunteer_mark, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND new.status = 'active' THEN
        PERFORM org_cover_add(new.district_code, new.street_code, new.community_code, new.tier, new.types_mask, new.groups_mask, new.volunteer_mark, 1);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER org_cover_change AFTER INSERT OR UPDATE OR DELETE ON orgs
    FOR EACH ROW EXECUTE FUNCTION org_cover_trigger();
