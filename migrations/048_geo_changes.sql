-- A change counter of the divisions alone (issue 20): every insert, update
-- or delete of a division advances it in the writer's transaction, so a
-- list read from the divisions (the communities under a place, which the
-- coverage report reads on every report it makes) can be kept while the
-- counter is unchanged, however the organizations change meanwhile. The
-- dashboards' counters (kpi_changes, 008) move with divisions too, but
-- also with every organization. One row: divisions change by imports, and
-- @sqlite
-- rarely. Counters only grow.
-- @postgres
-- rarely; once per statement. Counters only grow.
-- @both
CREATE TABLE geo_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
-- @sqlite
    n  INTEGER NOT NULL
-- @postgres
    n  BIGINT NOT NULL
-- @both
);
INSERT INTO geo_changes (id, n) VALUES (1, 0);

-- @sqlite
CREATE TRIGGER geo_changes_ai AFTER INSERT ON divisions BEGIN
    UPDATE geo_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER geo_changes_au AFTER UPDATE ON divisions BEGIN
    UPDATE geo_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER geo_changes_ad AFTER DELETE ON divisions BEGIN
    UPDATE geo_changes SET n = n + 1 WHERE id = 1;
END;

-- @postgres
CREATE FUNCTION geo_changes_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE geo_changes SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER geo_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON divisions
    FOR EACH STATEMENT EXECUTE FUNCTION geo_changes_bump();
