-- Change counters of the dated facts other than the organizations' that a
-- correction's month reads (internal/kpi lateEntries: bases, pilots,
-- demonstration points, brand designations, trainings), one row per
-- district (the rows' district_code, '' for a row above districts), as
-- kpi_changes counts every record's write. A correction's month for one of
-- these sources (lastEntryAfter: the latest entry, made since a deadline,
-- of a fact in effect before it, or of its undoing) changes only with a
-- write to its table under the unit, so each process keeps it under the
-- sum of these counters under the unit (read with the frame's version):
-- an organization's write, which moves kpi_changes, leaves it kept.
-- Counters only grow.
CREATE TABLE kpi_facts (
    district TEXT PRIMARY KEY,
-- @sqlite
    n        INTEGER NOT NULL
-- @postgres
    n        BIGINT NOT NULL
-- @both
);

-- @sqlite
CREATE TRIGGER kpi_facts_bases_ai AFTER INSERT ON bases BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_bases_au AFTER UPDATE ON bases BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_facts (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_bases_ad AFTER DELETE ON bases BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_pilots_ai AFTER INSERT ON pilots BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_pilots_au AFTER UPDATE ON pilots BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_facts (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_pilots_ad AFTER DELETE ON pilots BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_demonstration_points_ai AFTER INSERT ON demonstration_points BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_demonstration_points_au AFTER UPDATE ON demonstration_points BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_facts (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_demonstration_points_ad AFTER DELETE ON demonstration_points BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_brand_designations_ai AFTER INSERT ON brand_designations BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_brand_designations_au AFTER UPDATE ON brand_designations BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_facts (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_brand_designations_ad AFTER DELETE ON brand_designations BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_trainings_ai AFTER INSERT ON trainings BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_trainings_au AFTER UPDATE ON trainings BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_facts (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_facts_trainings_ad AFTER DELETE ON trainings BEGIN
    INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;

-- @postgres
CREATE FUNCTION kpi_facts_by_district() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO kpi_facts (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = kpi_facts.n + 1;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.district_code IS DISTINCT FROM OLD.district_code) THEN
        INSERT INTO kpi_facts (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = kpi_facts.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER kpi_facts AFTER INSERT OR UPDATE OR DELETE ON bases
    FOR EACH ROW EXECUTE FUNCTION kpi_facts_by_district();
CREATE TRIGGER kpi_facts AFTER INSERT OR UPDATE OR DELETE ON pilots
    FOR EACH ROW EXECUTE FUNCTION kpi_facts_by_district();
CREATE TRIGGER kpi_facts AFTER INSERT OR UPDATE OR DELETE ON demonstration_points
    FOR EACH ROW EXECUTE FUNCTION kpi_facts_by_district();
CREATE TRIGGER kpi_facts AFTER INSERT OR UPDATE OR DELETE ON brand_designations
    FOR EACH ROW EXECUTE FUNCTION kpi_facts_by_district();
CREATE TRIGGER kpi_facts AFTER INSERT OR UPDATE OR DELETE ON trainings
    FOR EACH ROW EXECUTE FUNCTION kpi_facts_by_district();
