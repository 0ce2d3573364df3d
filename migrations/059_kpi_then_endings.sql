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
