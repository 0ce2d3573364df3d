-- Residents and publicity (issue 17, C16 and C23): resident accounts'
-- profiles, follows, sign-ups to activities, ratings of organizations,
-- recognition surveys and typical cases.

-- A resident's profile: the community chosen at sign-up and, optionally, a
-- phone kept only as a keyed hash and its last four digits (never shown).
CREATE TABLE resident_profiles (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id),
    community_code TEXT NOT NULL,
    street_code    TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    phone_hash     TEXT NOT NULL DEFAULT '',
    phone_last4    TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL
);
CREATE INDEX resident_profiles_place ON resident_profiles (community_code);

-- Secrets of this room (the key of the phones' keyed hash), made on first use.
CREATE TABLE civic_keys (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE org_follows (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX org_follows_org ON org_follows (org_id);

-- Activities that accept residents' sign-ups, and how many (0: no limit).
ALTER TABLE activities ADD COLUMN accepts_signups INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN signup_capacity INTEGER NOT NULL DEFAULT 0;

CREATE TABLE activity_signups (
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX activity_signups_user ON activity_signups (user_id);

-- Ratings: one per resident per organization per year (China calendar).
-- The comment waits for the community committee (pending → published or
-- rejected; '' when there is none); the organization may answer.
CREATE TABLE org_ratings (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    ryear          TEXT NOT NULL,
    stars          INTEGER NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    comment_status TEXT NOT NULL DEFAULT '',
    community_code TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    answered_by    INTEGER,
    answered_at    DATETIME,
    moderated_by   INTEGER,
    moderated_at   DATETIME,
    effective_on   TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    UNIQUE (org_id, user_id, ryear)
);
CREATE INDEX org_ratings_place ON org_ratings (community_code, comment_status);

-- Recognition surveys (感知度和认可度): the instrument as data (JSON
-- questions with their scales), run in a district or street for a period.
CREATE TABLE surveys (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    unit_code     TEXT NOT NULL,
    district_code TEXT NOT NULL,
    opens_on      TEXT NOT NULL,
    closes_on     TEXT NOT NULL,
    questions     TEXT NOT NULL,
    created_by    INTEGER,
    created_at    DATETIME NOT NULL
);
CREATE INDEX surveys_unit ON surveys (unit_code);

-- One answer per resident per survey; knows/took_part/satisfaction are the
-- three readings (satisfaction 0: not given), answers the raw answers.
CREATE TABLE survey_answers (
    id             INTEGER PRIMARY KEY,
    survey_id      INTEGER NOT NULL REFERENCES surveys (id),
    user_id        INTEGER NOT NULL REFERENCES users (id),
    community_code TEXT NOT NULL,
    street_code    TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    knows          INTEGER NOT NULL,
    took_part      INTEGER NOT NULL,
    satisfaction   INTEGER NOT NULL DEFAULT 0,
    answers        TEXT NOT NULL,
    answered_on    TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    UNIQUE (survey_id, user_id)
);
CREATE INDEX survey_answers_place ON survey_answers (community_code);

-- Typical cases (典型案例) and experience write-ups (经验总结): draft →
-- street → district → published (or returned to draft with a reason).
CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    story         TEXT NOT NULL,
    unit_code     TEXT NOT NULL,
    street_code   TEXT NOT NULL,
    district_code TEXT NOT NULL,
    org_id        INTEGER REFERENCES orgs (id),
    themes        TEXT NOT NULL DEFAULT '',
    activity_ids  TEXT NOT NULL DEFAULT '',
    project_ids   TEXT NOT NULL DEFAULT '',
    outcomes      TEXT NOT NULL DEFAULT '[]',
    status        TEXT NOT NULL,
    featured      INTEGER NOT NULL DEFAULT 0,
    published_on  TEXT NOT NULL DEFAULT '',
    created_by    INTEGER,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX cases_place ON cases (status, unit_code);

CREATE TABLE case_decisions (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    level      TEXT NOT NULL,
    decision   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    decided_by INTEGER,
    decided_at DATETIME NOT NULL
);
CREATE INDEX case_decisions_case ON case_decisions (case_id);

CREATE TABLE case_photos (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX case_photos_case ON case_photos (case_id);
