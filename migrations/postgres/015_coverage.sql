-- Coverage (issue 20): active organizations by place, area and one
-- dimension at a time (all, target-group bit, type bit, tier, volunteer
-- mark). See the SQLite migration of the same number for the reasoning.
CREATE TABLE cover_bits (b INTEGER PRIMARY KEY);
INSERT INTO cover_bits (b) SELECT generate_series(0, 62);

CREATE TABLE org_cover (
    lvl  INTEGER NOT NULL,
    dim  TEXT NOT NULL,
    code TEXT NOT NULL,
    area TEXT NOT NULL,
    k    TEXT NOT NULL,
    n    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lvl, dim, code, area, k)
);

CREATE FUNCTION org_cover_area(c TEXT) RETURNS TEXT AS $$
    SELECT CASE WHEN substr(c, 10, 3) BETWEEN '001' AND '199' THEN 'urban'
                WHEN substr(c, 10, 3) BETWEEN '200' AND '399' THEN 'rural' ELSE 'other' END;
$$ LANGUAGE sql IMMUTABLE;

INSERT INTO org_cover (lvl, dim, code, area, k, n)
SELECT l.lvl, d.dim,
       CASE l.lvl WHEN 3 THEN o.district_code WHEN 4 THEN o.street_code ELSE o.community_code END,
       org_cover_area(o.community_code),
       CASE d.dim WHEN 'tier' THEN o.tier WHEN 'group' THEN d.b::text WHEN 'type' THEN d.b::text ELSE '' END,
       COUNT(*)
FROM orgs o,
     (SELECT 3 AS lvl UNION ALL SELECT 4 UNION ALL SELECT 5) l,
     (SELECT 'group' AS dim, b FROM cover_bits UNION ALL SELECT 'type', b FROM cover_bits
      UNION ALL SELECT 'tier', -1 UNION ALL SELECT 'all', -1 UNION ALL SELECT 'mark', -1) d
WHERE o.status = 'active' AND CASE d.dim WHEN 'group' THEN (o.groups_mask::bigint >> d.b) & 1 = 1
    WHEN 'type' THEN (o.types_mask::bigint >> d.b) & 1 = 1 WHEN 'mark' THEN o.volunteer_mark = 1 ELSE true END
GROUP BY 1, 2, 3, 4, 5;

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
