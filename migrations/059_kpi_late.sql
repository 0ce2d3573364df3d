-- What a write may change of the corrections' kept answers (internal/kpi
-- then.go), narrowed: a hub worker's ending dated after kpi_then's floor
-- no longer drops every unit's kept known-then answers (kpi_then_workers_au,
-- kpi_then_update), and the corrections' months are kept under a counter
-- of the late entries and moves per district (kpi_late) instead of every
-- write's (kpi_changes).
--
-- A worker's ending typed in place (hub.EndWorker: hub_workers.ended_on,
-- kept without its entry time) advanced kpi_then (migration 056) for every
-- unit, so every process dropped every kept known-then answer. A kept
-- answer is for a day on or before the known day whose next midnight in
-- China is kpi_then's floor, and counts a worker on a day d while
-- started_on <= d and (ended_on = '' or ended_on > d) (internal/kpi
-- workerCounts, orgroll's timelines). So an update that changes nothing
-- but ended_on (and columns no answer reads: name, kind), from and to ''
-- or a day on or after the floor's day in China, leaves every kept answer
-- as it was: such an ending (the usual one, typed on or after the day it
-- takes effect, after the deadlines already past) no longer counts. Any
-- other update, an unset floor, and a delete still count.
-- @sqlite
DROP TRIGGER kpi_then_workers_au;
CREATE TRIGGER kpi_then_workers_au AFTER UPDATE ON hub_workers
    WHEN NOT COALESCE(NEW.hub_org_id = OLD.hub_org_id AND NEW.started_on = OLD.started_on AND NEW.qualified = OLD.qualified
        AND NEW.created_at = OLD.created_at
        AND (OLD.ended_on = '' OR OLD.ended_on >= (SELECT date(floor, '+8 hours') FROM kpi_then WHERE id = 1))
        AND (NEW.ended_on = '' OR NEW.ended_on >= (SELECT date(floor, '+8 hours') FROM kpi_then WHERE id = 1)), 0) BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;

-- @postgres
-- (a trigger with transition tables takes one event: the update apart from
-- the delete and truncate; the floor read under a share lock, as the
-- inserts' trigger reads it, so a process raising it waits for an update
-- in flight that read the old one)
CREATE FUNCTION kpi_then_workers_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE f text;
BEGIN
    SELECT to_char(floor AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') INTO f FROM kpi_then WHERE id = 1 FOR SHARE;
    IF f IS NULL OR EXISTS (SELECT 1 FROM old_workers o JOIN new_workers n ON n.id = o.id
        WHERE NOT (n.hub_org_id = o.hub_org_id AND n.started_on = o.started_on AND n.qualified = o.qualified
            AND n.created_at = o.created_at AND (o.ended_on = '' OR o.ended_on >= f) AND (n.ended_on = '' OR n.ended_on >= f)))
        OR (SELECT COUNT(*) FROM old_workers) <> (SELECT COUNT(*) FROM old_workers o JOIN new_workers n ON n.id = o.id) THEN
        UPDATE kpi_then SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER kpi_then_change ON hub_workers;
CREATE TRIGGER kpi_then_change AFTER DELETE OR TRUNCATE ON hub_workers
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_bump();
CREATE TRIGGER kpi_then_update AFTER UPDATE ON hub_workers REFERENCING OLD TABLE AS old_workers NEW TABLE AS new_workers
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_workers_update();

-- @both
-- The month of a correction (internal/kpi lastEntryAfter: of the latest
-- late entry, made since a deadline, of the organizations under a unit)
-- was kept under the district's change counter (kpi_changes), which every
-- write there advances: any write in 天河 read 天河's late entries again.
-- Only three kinds of write change such a month: a late entry (a history
-- row entered after the day it takes effect, entered_at > at), an
-- organization's place changed (moved into or out of a unit), and the
-- updates and deletes of history or organizations that kpi_then already
-- counts (the kept months are dropped with the frame then). kpi_late
-- counts the first two per district (orgs.district_code: the one the
-- months are grouped by; a move both districts'). Counters only grow.
CREATE TABLE kpi_late (
    district TEXT PRIMARY KEY,
-- @sqlite
    n        INTEGER NOT NULL
-- @postgres
    n        BIGINT NOT NULL
-- @both
);

-- @sqlite
CREATE TRIGGER kpi_late_history_ai AFTER INSERT ON org_history WHEN NEW.entered_at > NEW.at BEGIN
    INSERT INTO kpi_late (district, n) SELECT o.district_code, 1 FROM orgs o WHERE o.id = NEW.org_id
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_late_orgs_au AFTER UPDATE OF district_code, street_code, community_code ON orgs
    WHEN OLD.district_code IS NOT NEW.district_code OR OLD.street_code IS NOT NEW.street_code
        OR OLD.community_code IS NOT NEW.community_code BEGIN
    INSERT INTO kpi_late (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_late (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code IS NOT OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

-- @postgres
CREATE FUNCTION kpi_late_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kpi_late (district, n)
    SELECT o.district_code, COUNT(*) FROM new_history h JOIN orgs o ON o.id = h.org_id WHERE h.entered_at > h.at GROUP BY 1
    ON CONFLICT (district) DO UPDATE SET n = kpi_late.n + excluded.n;
    RETURN NULL;
END $$;
CREATE TRIGGER kpi_late_insert AFTER INSERT ON org_history REFERENCING NEW TABLE AS new_history
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_late_history_insert();
CREATE FUNCTION kpi_late_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kpi_late (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = kpi_late.n + 1;
    IF NEW.district_code IS DISTINCT FROM OLD.district_code THEN
        INSERT INTO kpi_late (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = kpi_late.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER kpi_late_moved AFTER UPDATE OF district_code, street_code, community_code ON orgs
    FOR EACH ROW WHEN (OLD.district_code IS DISTINCT FROM NEW.district_code OR OLD.street_code IS DISTINCT FROM NEW.street_code
        OR OLD.community_code IS DISTINCT FROM NEW.community_code)
    EXECUTE FUNCTION kpi_late_moved();
