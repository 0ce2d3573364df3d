-- Activities and the five themed campaigns (C11–C15), volunteers and their
-- hours, the major-activity reports (C18) and consultations (C12).
-- starts_on is the activity's day in China time (YYYY-MM-DD), the key of
-- every period; volunteer_minutes is the sum of the activity's hour entries,
-- kept in the writing transaction so campaign figures read one table.
CREATE TABLE activities (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs (id),   -- the host organization
    title             TEXT NOT NULL,
    theme             TEXT NOT NULL,
    kind              TEXT NOT NULL,
    fields            TEXT NOT NULL DEFAULT '',                -- service field keys, comma-separated
    starts_at         DATETIME NOT NULL,
    ends_at           DATETIME NOT NULL,
    starts_on         TEXT NOT NULL,
    community_code    TEXT NOT NULL,
    street_code       TEXT NOT NULL,
    district_code     TEXT NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    groups_mask       INTEGER NOT NULL DEFAULT 0,
    participants      INTEGER NOT NULL DEFAULT 0,
    beneficiaries     INTEGER NOT NULL DEFAULT 0,
    beneficiary_detail TEXT NOT NULL DEFAULT '{}',             -- JSON: by group, and other
    fund_raising      INTEGER NOT NULL DEFAULT 0,
    minors            INTEGER NOT NULL DEFAULT 0,
    overnight         INTEGER NOT NULL DEFAULT 0,
    write_up          TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,                           -- recorded | awaiting_report | refused
    major             INTEGER NOT NULL DEFAULT 0,
    major_rule        TEXT NOT NULL DEFAULT '{}',              -- the rule in force when it was entered (JSON)
    ack_level         TEXT NOT NULL DEFAULT '',                -- street | community
    report_due_on     TEXT NOT NULL DEFAULT '',
    volunteer_minutes INTEGER NOT NULL DEFAULT 0,
    hours_confirmed   INTEGER NOT NULL DEFAULT 0,
    confirmed_by      INTEGER,
    confirmed_at      DATETIME,
    created_by        INTEGER,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
-- The campaign figures read only this index (theme, place, period: the
-- sums are in it); the lists walk a district's activities newest first.
CREATE INDEX activities_campaign ON activities (theme, district_code, starts_on, street_code, community_code, status,
    beneficiaries, volunteer_minutes);
CREATE INDEX activities_district_day ON activities (district_code, starts_on, id);
CREATE INDEX activities_org ON activities (org_id, starts_on);

CREATE TABLE activity_orgs (
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (activity_id, org_id)
);
CREATE INDEX activity_orgs_org ON activity_orgs (org_id, activity_id);

CREATE TABLE activity_files (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL,
    uploaded_by  INTEGER,
    created_at   DATETIME NOT NULL
);
CREATE INDEX activity_files_activity ON activity_files (activity_id);

CREATE TABLE volunteers (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL DEFAULT '',
    community_code TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX volunteers_place ON volunteers (community_code);

CREATE TABLE volunteer_orgs (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (volunteer_id, org_id)
);

-- Hour entries are append-only: a correction after confirmation is a new
-- entry (negative or positive minutes) with a reason.
CREATE TABLE volunteer_hours (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    served_on    TEXT NOT NULL,
    minutes      INTEGER NOT NULL,
    correction   INTEGER NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    created_at   DATETIME NOT NULL
);
CREATE INDEX volunteer_hours_volunteer ON volunteer_hours (volunteer_id, served_on);
CREATE INDEX volunteer_hours_activity ON volunteer_hours (activity_id);
CREATE TRIGGER volunteer_hours_no_update BEFORE UPDATE ON volunteer_hours
BEGIN SELECT RAISE(ABORT, 'volunteer_hours are append-only'); END;
CREATE TRIGGER volunteer_hours_no_delete BEFORE DELETE ON volunteer_hours
BEGIN SELECT RAISE(ABORT, 'volunteer_hours are append-only'); END;

-- The rule a street or district sets; the most specific unit's rule applies.
CREATE TABLE major_report_rules (
    unit_code          TEXT PRIMARY KEY,
    kinds              TEXT NOT NULL,               -- comma-separated activity kinds
    min_participants   INTEGER NOT NULL,
    outside_home       INTEGER NOT NULL DEFAULT 0,
    fund_raising       INTEGER NOT NULL DEFAULT 0,
    minors             INTEGER NOT NULL DEFAULT 0,
    overnight          INTEGER NOT NULL DEFAULT 0,
    community_ack_tier INTEGER NOT NULL DEFAULT 1,  -- community-tier organizations report to the community committee
    days_ahead         INTEGER NOT NULL,
    updated_by         INTEGER,
    updated_at         DATETIME NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE major_reports (
    id             INTEGER PRIMARY KEY,
    activity_id    INTEGER NOT NULL REFERENCES activities (id),
    status         TEXT NOT NULL,                    -- pending | acknowledged | refused
    ack_level      TEXT NOT NULL,
    community_code TEXT NOT NULL,
    street_code    TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    late           INTEGER NOT NULL DEFAULT 0,
    submitted_by   INTEGER,
    submitted_at   DATETIME NOT NULL,
    decided_by     INTEGER,
    decided_at     DATETIME,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX major_reports_activity ON major_reports (activity_id);
CREATE INDEX major_reports_place ON major_reports (community_code, status);

CREATE TABLE consultations (
    id               INTEGER PRIMARY KEY,
    activity_id      INTEGER NOT NULL REFERENCES activities (id),
    topic            TEXT NOT NULL,
    topic_kind       TEXT NOT NULL,
    community_code   TEXT NOT NULL,
    raised_by        TEXT NOT NULL,                  -- residents | organization
    raised_by_org_id INTEGER,
    raised_note      TEXT NOT NULL DEFAULT '',
    follow_up        TEXT NOT NULL DEFAULT '',
    created_by       INTEGER,
    created_at       DATETIME NOT NULL
);
CREATE INDEX consultations_place ON consultations (community_code);

CREATE TABLE consultation_meetings (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    held_on         TEXT NOT NULL,
    residents       INTEGER NOT NULL DEFAULT 0,
    committee       INTEGER NOT NULL DEFAULT 0,      -- 两委 members
    organizations   INTEGER NOT NULL DEFAULT 0,
    property_mgmt   INTEGER NOT NULL DEFAULT 0,
    minutes         TEXT NOT NULL DEFAULT '',
    decisions       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consultation_meetings_c ON consultation_meetings (consultation_id);
