-- What an indicator's value was as known on a past day (its deadline: the
-- "then" of a correction, internal/kpi corrections.go) is read from the
-- rows entered before that day (org_history by COALESCE(entered_at, at),
-- hub_workers by created_at). Every write made through linli stamps the
-- time it is made, later than any past day, so such an answer cannot change
-- afterwards, and each process keeps it (issue 19). What can change it is
-- counted here, in the writer's transaction: a row inserted with an entry
-- time before the latest day a process keeps answers for (floor: a loader's
-- or a generator's rows dated in the past, a test's clock set back), an
-- update or a delete of the history, a deleted organization, and a worker's
-- ending typed in place (hub_workers.ended_on is kept without its entry
-- time) or a deleted worker. A process raises floor before it keeps an
-- answer for a later day, and keeps its answers while n is unchanged.
-- Counters only grow. One row: these writes are rare.
CREATE TABLE kpi_then (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
-- @sqlite
    n     INTEGER NOT NULL,
    floor DATETIME
-- @postgres
    n     BIGINT NOT NULL,
    floor TIMESTAMPTZ
-- @both
);
INSERT INTO kpi_then (id, n) VALUES (1, 0);

-- @sqlite
CREATE TRIGGER kpi_then_history_ai AFTER INSERT ON org_history
    WHEN COALESCE(NEW.entered_at, NEW.at) < (SELECT floor FROM kpi_then WHERE id = 1) BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER kpi_then_history_au AFTER UPDATE ON org_history BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER kpi_then_history_ad AFTER DELETE ON org_history BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER kpi_then_orgs_ad AFTER DELETE ON orgs BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER kpi_then_workers_ai AFTER INSERT ON hub_workers
    WHEN NEW.created_at < (SELECT floor FROM kpi_then WHERE id = 1) BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER kpi_then_workers_au AFTER UPDATE ON hub_workers BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER kpi_then_workers_ad AFTER DELETE ON hub_workers BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
END;

-- @postgres
-- Inserts are checked once per statement (their new rows); the floor is
-- read under a share lock, so that a process raising it waits for an
-- insert in flight to commit before it reads the rows it keeps an answer
-- from (an insert that read the old floor is then in what it reads).
CREATE FUNCTION kpi_then_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kpi_then SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE FUNCTION kpi_then_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE f timestamptz;
BEGIN
    SELECT floor INTO f FROM kpi_then WHERE id = 1 FOR SHARE;
    IF f IS NOT NULL AND EXISTS (SELECT 1 FROM new_history r WHERE COALESCE(r.entered_at, r.at) < f) THEN
        UPDATE kpi_then SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION kpi_then_workers_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE f timestamptz;
BEGIN
    SELECT floor INTO f FROM kpi_then WHERE id = 1 FOR SHARE;
    IF f IS NOT NULL AND EXISTS (SELECT 1 FROM new_workers r WHERE r.created_at < f) THEN
        UPDATE kpi_then SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER kpi_then_insert AFTER INSERT ON org_history REFERENCING NEW TABLE AS new_history
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_history_insert();
CREATE TRIGGER kpi_then_change AFTER UPDATE OR DELETE OR TRUNCATE ON org_history
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_bump();
CREATE TRIGGER kpi_then_change AFTER DELETE OR TRUNCATE ON orgs
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_bump();
CREATE TRIGGER kpi_then_insert AFTER INSERT ON hub_workers REFERENCING NEW TABLE AS new_workers
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_workers_insert();
CREATE TRIGGER kpi_then_change AFTER UPDATE OR DELETE OR TRUNCATE ON hub_workers
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_then_bump();
