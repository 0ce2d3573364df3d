-- Self-enrolment: a key person may be tied to the account that enrols
-- itself (an organization's leader); one person per account.
ALTER TABLE people ADD COLUMN user_id INTEGER REFERENCES users (id);
CREATE UNIQUE INDEX people_user ON people (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX people_org ON people (org_id) WHERE org_id IS NOT NULL;

-- Safety patrol groups (群防群治): an organization of a community that
-- patrols, with its area and weekly schedule. Dated: it patrols from
-- started_on (effective date) until ended_on ('' while it does).
CREATE TABLE patrol_groups (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    community_code TEXT NOT NULL REFERENCES divisions (code),
    district_code  TEXT NOT NULL,
    area           TEXT NOT NULL,
    members        INTEGER NOT NULL,
    started_on     TEXT NOT NULL,
    ended_on       TEXT NOT NULL DEFAULT '',
    late_reason    TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     DATETIME NOT NULL,
    UNIQUE (org_id)
);
CREATE INDEX patrol_groups_community ON patrol_groups (community_code);

-- A schedule line: weekday 1 (Monday) .. 7, times HH:MM in China's time.
CREATE TABLE patrol_shifts (
    id       INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES patrol_groups (id),
    weekday  INTEGER NOT NULL,
    starts   TEXT NOT NULL,
    ends     TEXT NOT NULL,
    route    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patrol_shifts_group ON patrol_shifts (group_id);

-- Organizations' trained key personnel (kpi filter trained_personnel) are
-- read from attendance: a change advances the organization's district's
-- counter, as changes to the organizations themselves do.
CREATE TRIGGER kpi_changes_attendance_ai AFTER INSERT ON training_attendance BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM people p JOIN orgs o ON o.id = p.org_id
        WHERE p.id = NEW.person_id ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_attendance_ad AFTER DELETE ON training_attendance BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM people p JOIN orgs o ON o.id = p.org_id
        WHERE p.id = OLD.person_id ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_attendance_au AFTER UPDATE ON training_attendance BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM people p JOIN orgs o ON o.id = p.org_id
        WHERE p.id = NEW.person_id ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_people_au AFTER UPDATE OF org_id ON people BEGIN
    INSERT INTO kpi_changes (district, n) SELECT o.district_code, 1 FROM orgs o
        WHERE o.id IN (OLD.org_id, NEW.org_id) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
