-- Evaluation (issue 16, second half): grades (等级评估), party building
-- (C17: the party organization form and the contact log), appraisals
-- (评估评议) and the evaluation system (评价体系: indicator trees, rounds,
-- scores). Dates are China calendar days, YYYY-MM-DD; entry times apart.

-- A grade from the social-organization grade evaluation, for a registered
-- organization: it counts from awarded_on and stops counting on
-- valid_until (the expiry day itself no longer counts).
CREATE TABLE org_grades (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    grade          TEXT NOT NULL,               -- 1A | 2A | 3A | 4A | 5A
    awarded_on     TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    evaluator      TEXT NOT NULL,
    community_code TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    late_reason    TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX org_grades_org ON org_grades (org_id, awarded_on);
CREATE INDEX org_grades_place ON org_grades (district_code, valid_until);

-- The party organization form of an organization from effective_on on
-- (独立党组织, 联合党组织, 党建指导员, none), with the party organization or
-- instructor linked. The registry's party_org (with its dated history)
-- stays the truth of the party organization itself and is written with
-- the same date; this table adds the instructor and the links.
CREATE TABLE party_forms (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    form           TEXT NOT NULL,               -- independent | joint | instructor | none
    link_name      TEXT NOT NULL DEFAULT '',
    effective_on   TEXT NOT NULL,
    late_reason    TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX party_forms_org ON party_forms (org_id, effective_on, id);

-- Contacts between the community party organization and its organizations.
CREATE TABLE party_contacts (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    contact_on     TEXT NOT NULL,
    kind           TEXT NOT NULL,               -- visit | meeting | joint_activity | study | other
    topic          TEXT NOT NULL,
    community_code TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX party_contacts_org ON party_contacts (org_id, contact_on);
CREATE INDEX party_contacts_place ON party_contacts (community_code, contact_on);

-- 评估评议: once a year per organization, the 两委 members' forms and the
-- residents' paper ballots; scores in hundredths.
CREATE TABLE appraisals (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs (id),
    year            INTEGER NOT NULL,
    appraised_on    TEXT NOT NULL,
    forms           TEXT NOT NULL DEFAULT '[]',  -- JSON: the members' forms
    committee_score INTEGER NOT NULL,
    satisfied       INTEGER NOT NULL DEFAULT 0,
    basically       INTEGER NOT NULL DEFAULT 0,
    dissatisfied    INTEGER NOT NULL DEFAULT 0,
    score           INTEGER NOT NULL,
    band            TEXT NOT NULL,               -- excellent | good | pass | fail
    community_code  TEXT NOT NULL,
    district_code   TEXT NOT NULL,
    created_by      INTEGER,
    created_at      DATETIME NOT NULL,
    UNIQUE (org_id, year)
);
CREATE INDEX appraisals_place ON appraisals (community_code, year);

-- Indicator trees (评价体系), versioned per district: nodes as JSON.
-- frozen once a round uses the version; a change makes a new version.
CREATE TABLE eval_trees (
    id         INTEGER PRIMARY KEY,
    unit_code  TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    nodes      TEXT NOT NULL,
    frozen     INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (unit_code, name, version)
);

CREATE TABLE eval_rounds (
    id           INTEGER PRIMARY KEY,
    tree_id      INTEGER NOT NULL REFERENCES eval_trees (id),
    unit_code    TEXT NOT NULL,
    name         TEXT NOT NULL,
    year         INTEGER NOT NULL,
    published_on TEXT NOT NULL DEFAULT '',
    created_by   INTEGER,
    created_at   DATETIME NOT NULL
);
CREATE INDEX eval_rounds_unit ON eval_rounds (unit_code, year);

CREATE TABLE eval_round_orgs (
    round_id INTEGER NOT NULL REFERENCES eval_rounds (id),
    org_id   INTEGER NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (round_id, org_id)
);
CREATE INDEX eval_round_orgs_org ON eval_round_orgs (org_id);

CREATE TABLE eval_scorers (
    round_id INTEGER NOT NULL REFERENCES eval_rounds (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, user_id)
);

-- A leaf's score for an organization: scorer_id 0 is the automatic fill.
CREATE TABLE eval_scores (
    round_id   INTEGER NOT NULL REFERENCES eval_rounds (id),
    org_id     INTEGER NOT NULL,
    leaf_key   TEXT NOT NULL,
    scorer_id  INTEGER NOT NULL,
    score      INTEGER NOT NULL,                 -- hundredths of a point
    raw        TEXT NOT NULL DEFAULT '',         -- the evidence value read, for automatic leaves
    created_at DATETIME NOT NULL,
    PRIMARY KEY (round_id, org_id, leaf_key, scorer_id)
);
