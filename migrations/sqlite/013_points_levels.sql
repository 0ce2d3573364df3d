-- Issue 11: demonstration points as records, a level on every base, and a
-- late entry's reason on the other dated facts (hub custody, hub social
-- workers, bases, pilots). Their entry time is created_at (updated_at for a
-- closing); their effective dates are the *_on columns.

-- A demonstration point (示范点): a district's organization or community
-- recognized for a plan year, approved by a district officer on a date.
-- kind 'point' is the plan's yearly point; 'provincial_pilot' records a
-- province's designation (白云区 全省社区社会组织示范点试点单位) the same way.
-- A cancelled point is kept: it counts for no date (a cancellation corrects
-- the record), while known_on before cancelled_at still sees it.
CREATE TABLE demonstration_points (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL DEFAULT 'point',  -- point | provincial_pilot
    district_code  TEXT NOT NULL REFERENCES divisions (code),
    street_code    TEXT NOT NULL DEFAULT '',
    community_code TEXT NOT NULL DEFAULT '',
    org_id         INTEGER REFERENCES orgs (id),
    year           INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    approved_by    INTEGER,
    approver_name  TEXT NOT NULL DEFAULT '',
    approved_on    TEXT NOT NULL,                  -- YYYY-MM-DD, the effective date
    late_reason    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'active', -- active | cancelled
    cancel_reason  TEXT NOT NULL DEFAULT '',
    cancelled_by   INTEGER,
    cancelled_at   DATETIME,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX demonstration_points_district ON demonstration_points (district_code, year);
CREATE INDEX demonstration_points_org ON demonstration_points (org_id);

CREATE TRIGGER kpi_changes_demonstration_points_ai AFTER INSERT ON demonstration_points BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_demonstration_points_au AFTER UPDATE ON demonstration_points BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_demonstration_points_ad AFTER DELETE ON demonstration_points BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

-- A base's level: who it serves. Backfill: no street is a district-level
-- base; a base sitting on its street's own code serves the street; one in a
-- community serves that community.
ALTER TABLE bases ADD COLUMN level TEXT NOT NULL DEFAULT 'district';
UPDATE bases SET level = CASE WHEN street_code = '' THEN 'district'
    WHEN division_code = street_code THEN 'street' ELSE 'community' END;

ALTER TABLE bases ADD COLUMN late_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_members ADD COLUMN late_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_workers ADD COLUMN late_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE pilots ADD COLUMN late_reason TEXT NOT NULL DEFAULT '';

-- The indicators read the new records: the plan's incubation sentence read
-- literally (share of districts with an open district-level base), and the
-- demonstration points from their own table.
UPDATE indicators SET rule = '{"kind":"unit_share","source":"bases","unit_level":"district","min_count":1,"filter":{"base_levels":["district"]}}',
    name_en = 'Districts with a district-level incubation base and activity site', version = version + 1, updated_at = CURRENT_TIMESTAMP
    WHERE key = 'incubation_coverage' AND builtin = 1;
UPDATE indicators SET rule = '{"kind":"count_per_year","source":"points","filter":{"point_kind":["point"]},"years":[2022,2023],"year_field":"year"}',
    version = version + 1, updated_at = CURRENT_TIMESTAMP
    WHERE key = 'demonstration_points' AND builtin = 1;
