-- Issue 13, the rest: registered beneficiaries counted once per period, the
-- resident survey of a consultation (one answer per resident), and the
-- street's social-work and volunteer-service association with its member
-- teams (C7).

-- A person an organization serves again and again, registered once; the
-- phone is kept for the staff who call, masked for officers.
CREATE TABLE beneficiaries (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL DEFAULT '',
    community_code TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    groups_mask    INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX beneficiaries_place ON beneficiaries (community_code);

-- Who of the registered was served at an activity; the place, theme and day
-- are the activity's, copied so that distinct people per period and place
-- are counted from this table alone.
CREATE TABLE activity_beneficiaries (
    activity_id    INTEGER NOT NULL REFERENCES activities (id),
    beneficiary_id INTEGER NOT NULL REFERENCES beneficiaries (id),
    theme          TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    street_code    TEXT NOT NULL,
    community_code TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    PRIMARY KEY (activity_id, beneficiary_id)
);
CREATE INDEX activity_beneficiaries_campaign ON activity_beneficiaries (theme, district_code, starts_on, beneficiary_id);
-- how many of an activity's beneficiaries are registered people
ALTER TABLE activities ADD COLUMN registered INTEGER NOT NULL DEFAULT 0;

CREATE TABLE consultation_surveys (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL UNIQUE REFERENCES consultations (id),
    question        TEXT NOT NULL,
    options         TEXT NOT NULL,                 -- JSON array of the choices
    created_by      INTEGER,
    created_at      DATETIME NOT NULL
);

-- One answer per resident: the resident is the hash of their phone; the
-- phone itself is kept masked.
CREATE TABLE consultation_answers (
    id           INTEGER PRIMARY KEY,
    survey_id    INTEGER NOT NULL REFERENCES consultation_surveys (id),
    resident_key TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    choice       INTEGER NOT NULL,
    created_by   INTEGER,
    created_at   DATETIME NOT NULL,
    UNIQUE (survey_id, resident_key)
);

-- The street's 社会工作与志愿服务协会 (an organization) and the volunteer
-- teams that are its group members, with the dates they joined and left.
CREATE TABLE volunteer_associations (
    street_code TEXT PRIMARY KEY,
    org_id      INTEGER NOT NULL UNIQUE REFERENCES orgs (id),
    created_by  INTEGER,
    created_at  DATETIME NOT NULL
);

CREATE TABLE association_members (
    id             INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES orgs (id),
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    joined_on      TEXT NOT NULL,
    left_on        TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX association_members_a ON association_members (association_id, org_id);
