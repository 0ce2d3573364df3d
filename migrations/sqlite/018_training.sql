-- Training programmes (培训项目): the plan's own (同行计划, 菁英计划, 聚善育才计划,
-- 善知学园, 社会组织党建红苗工程, kept by the city) and each district's own.
CREATE TABLE training_programmes (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    unit_code  TEXT NOT NULL,                    -- '4401' for the city's (seeded before the divisions load)
    builtin    INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    UNIQUE (unit_code, name)
);

-- Training sessions (培训): run by the city, a district, a street or a hub
-- (hub_org_id, with the hub's street as unit_code). start_day is the China
-- calendar day of starts_at: the year an indicator places the session in.
-- district_code is '' for the city's own.
CREATE TABLE trainings (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    programme_id  INTEGER NOT NULL REFERENCES training_programmes (id),
    form          TEXT NOT NULL,                 -- demonstration | online | field_visit | other
    topics        TEXT NOT NULL DEFAULT '',      -- comma-separated codes
    audiences     TEXT NOT NULL DEFAULT '',      -- comma-separated codes
    unit_code     TEXT NOT NULL REFERENCES divisions (code),
    district_code TEXT NOT NULL DEFAULT '',
    hub_org_id    INTEGER REFERENCES orgs (id),
    starts_at     DATETIME NOT NULL,
    ends_at       DATETIME NOT NULL,
    start_day     TEXT NOT NULL,
    minutes       INTEGER NOT NULL,
    capacity      INTEGER NOT NULL,
    trainer       TEXT NOT NULL DEFAULT '',
    place         TEXT NOT NULL DEFAULT '',
    link          TEXT NOT NULL DEFAULT '',
    checkin_code  TEXT NOT NULL UNIQUE,
    created_by    INTEGER,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX trainings_unit ON trainings (unit_code, start_day);
CREATE INDEX trainings_district ON trainings (district_code, start_day);

-- Key personnel (骨干人才) of organizations and communities. qualification:
-- '' | assistant (助理社工师) | social_worker (社工师) | senior (高级社工师).
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    id_number      TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL,
    org_id         INTEGER REFERENCES orgs (id),
    community_code TEXT NOT NULL REFERENCES divisions (code),
    qualification  TEXT NOT NULL DEFAULT '',
    qual_year      INTEGER NOT NULL DEFAULT 0,
    created_at     DATETIME NOT NULL
);
CREATE INDEX people_community ON people (community_code);
CREATE INDEX people_phone ON people (phone);

CREATE TABLE training_enrolments (
    id          INTEGER PRIMARY KEY,
    training_id INTEGER NOT NULL REFERENCES trainings (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    enrolled_at DATETIME NOT NULL,
    UNIQUE (training_id, person_id)
);

-- Attendance: a check-in with the session's code, or the organizer's entry
-- (source 'organizer', with a reason).
CREATE TABLE training_attendance (
    id            INTEGER PRIMARY KEY,
    training_id   INTEGER NOT NULL REFERENCES trainings (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    checked_in_at DATETIME NOT NULL,
    source        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    UNIQUE (training_id, person_id)
);

-- Completion certificates; serial is random and public.
CREATE TABLE certificates (
    id            INTEGER PRIMARY KEY,
    serial        TEXT NOT NULL UNIQUE,
    training_id   INTEGER NOT NULL REFERENCES trainings (id),
    person_id     INTEGER NOT NULL REFERENCES people (id),
    minutes       INTEGER NOT NULL,
    issued_on     TEXT NOT NULL,
    revoked_on    TEXT NOT NULL DEFAULT '',
    revoke_reason TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    UNIQUE (training_id, person_id)
);

-- Support for the national social-work qualification exam
-- (全国社会工作者职业资格考试): who registered in a year for which level,
-- the help given (materials | prep_course | fee_subsidy, its cost in fen),
-- and whether they passed (0/1; NULL until the results are out).
CREATE TABLE exam_entries (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    district_code TEXT NOT NULL,
    year          INTEGER NOT NULL,
    level         TEXT NOT NULL,
    help          TEXT NOT NULL DEFAULT '',
    help_fen      BIGINT NOT NULL DEFAULT 0,
    passed        INTEGER,
    created_at    DATETIME NOT NULL,
    UNIQUE (person_id, year, level)
);
CREATE INDEX exam_entries_district ON exam_entries (district_code, year);

-- Emergency contact lists (应急联络) per community and hazard kind:
-- natural | accident | public_health | social_security.
CREATE TABLE emergency_contacts (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions (code),
    hazard         TEXT NOT NULL,
    name           TEXT NOT NULL,
    org_id         INTEGER REFERENCES orgs (id),
    phone          TEXT NOT NULL,
    duty           TEXT NOT NULL DEFAULT '',
    checked_on     TEXT NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX emergency_contacts_community ON emergency_contacts (community_code, hazard);

-- Drills (演练).
CREATE TABLE drills (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions (code),
    district_code  TEXT NOT NULL,                -- the community's district: the indicators' change counter
    scenario       TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    org_ids        TEXT NOT NULL DEFAULT '',
    participants   INTEGER NOT NULL,
    findings       TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL
);
CREATE INDEX drills_community ON drills (community_code, held_on);

-- Liaison posts (联系指导岗位) and their contact log.
CREATE TABLE liaisons (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions (code),
    holder         TEXT NOT NULL,
    since          TEXT NOT NULL,
    org_ids        TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL
);
CREATE INDEX liaisons_community ON liaisons (community_code);
CREATE TABLE liaison_contacts (
    id         INTEGER PRIMARY KEY,
    liaison_id INTEGER NOT NULL REFERENCES liaisons (id),
    on_date    TEXT NOT NULL,
    kind       TEXT NOT NULL,                    -- visit | call | meeting
    summary    TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX liaison_contacts_liaison ON liaison_contacts (liaison_id, on_date);

INSERT INTO training_programmes (name, unit_code, builtin, created_at) VALUES
('同行计划', '4401', 1, CURRENT_TIMESTAMP), ('菁英计划', '4401', 1, CURRENT_TIMESTAMP),
('聚善育才计划', '4401', 1, CURRENT_TIMESTAMP), ('善知学园', '4401', 1, CURRENT_TIMESTAMP),
('社会组织党建红苗工程', '4401', 1, CURRENT_TIMESTAMP);

-- The indicators read trainings and drills (kpi sources "trainings", "drills"): a change advances
-- its district's counter (see 008_kpi_changes), '' for the city's own.
CREATE TRIGGER kpi_changes_trainings_ai AFTER INSERT ON trainings BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_trainings_au AFTER UPDATE ON trainings BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_trainings_ad AFTER DELETE ON trainings BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_drills_ai AFTER INSERT ON drills BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_drills_au AFTER UPDATE ON drills BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
    INSERT INTO kpi_changes (district, n) SELECT NEW.district_code, 1 WHERE NEW.district_code <> OLD.district_code
        ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_drills_ad AFTER DELETE ON drills BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
