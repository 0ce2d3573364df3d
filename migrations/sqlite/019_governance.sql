-- Governance (C18–C19, first half): simple charters (简易章程) with their
-- versions and adoption meetings, elections and the officers they elect,
-- major decisions (重大事项), and work reports to the 两委 on the cycle each
-- community committee sets. Days are China calendar days, YYYY-MM-DD.

-- Every version of an organization's charter is kept: status draft (being
-- edited), adopted (the charter in force), superseded (an older adopted
-- one). chapters is JSON [{"key","title","text"}]. The adoption meeting:
-- meeting_on (the effective date), members present and the votes.
CREATE TABLE charters (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    version       INTEGER NOT NULL,
    chapters      TEXT NOT NULL,
    status        TEXT NOT NULL,                 -- draft | adopted | superseded
    meeting_on    TEXT NOT NULL DEFAULT '',
    present       INTEGER NOT NULL DEFAULT 0,
    votes_for     INTEGER NOT NULL DEFAULT 0,
    votes_against INTEGER NOT NULL DEFAULT 0,
    votes_abstain INTEGER NOT NULL DEFAULT 0,
    adopted_by    INTEGER,
    adopted_at    DATETIME,
    created_by    INTEGER,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    UNIQUE (org_id, version)
);
CREATE INDEX charters_adopted ON charters (org_id, status, meeting_on);

-- An election (换届选举) elects the whole board for a term; the officers
-- in office are the elected candidates of the organization's latest
-- election, until term_ends_on. A term that ended without a later
-- election is overdue.
CREATE TABLE elections (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    held_on        TEXT NOT NULL,
    present        INTEGER NOT NULL,
    term_years     INTEGER NOT NULL,
    term_ends_on   TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    community_code TEXT NOT NULL,
    created_by     INTEGER,
    created_at     DATETIME NOT NULL
);
CREATE INDEX elections_org ON elections (org_id, held_on);
CREATE INDEX elections_place ON elections (community_code);

CREATE TABLE election_candidates (
    id          INTEGER PRIMARY KEY,
    election_id INTEGER NOT NULL REFERENCES elections (id),
    name        TEXT NOT NULL,
    post        TEXT NOT NULL,                   -- leader (负责人) | deputy | director (理事) | supervisor
    votes       INTEGER NOT NULL,
    elected     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX election_candidates_election ON election_candidates (election_id);

-- Major decisions (重大事项) taken at a meeting: members entitled to vote,
-- the quorum required, those present and the votes.
CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    meeting_on    TEXT NOT NULL,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    members       INTEGER NOT NULL,
    quorum        INTEGER NOT NULL,
    present       INTEGER NOT NULL,
    votes_for     INTEGER NOT NULL,
    votes_against INTEGER NOT NULL,
    votes_abstain INTEGER NOT NULL,
    passed        INTEGER NOT NULL,
    created_by    INTEGER,
    created_at    DATETIME NOT NULL
);
CREATE INDEX decisions_org ON decisions (org_id, meeting_on);

-- The reporting cycle a community committee sets for the organizations of
-- its community, from effective_on.
CREATE TABLE report_cycles (
    community_code TEXT PRIMARY KEY REFERENCES divisions (code),
    cycle          TEXT NOT NULL,                -- quarterly | half_yearly | yearly
    effective_on   TEXT NOT NULL,
    updated_by     INTEGER,
    updated_at     DATETIME NOT NULL
);

-- One work report per organization and period ('2023-Q1', '2023-H2',
-- '2023'). The figures are read from linli's records when it is submitted.
-- first_submitted_on decides lateness; a report returned for more is
-- resubmitted in the same row.
CREATE TABLE work_reports (
    id                 INTEGER PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES orgs (id),
    period             TEXT NOT NULL,
    period_start       TEXT NOT NULL,
    period_end         TEXT NOT NULL,
    due_on             TEXT NOT NULL,
    community_code     TEXT NOT NULL,
    street_code        TEXT NOT NULL,
    district_code      TEXT NOT NULL,
    activities         INTEGER NOT NULL DEFAULT 0,
    participants       INTEGER NOT NULL DEFAULT 0,
    beneficiaries      INTEGER NOT NULL DEFAULT 0,
    volunteer_minutes  INTEGER NOT NULL DEFAULT 0,
    income_fen         INTEGER NOT NULL DEFAULT 0,
    expense_fen        INTEGER NOT NULL DEFAULT 0,
    body               TEXT NOT NULL,
    status             TEXT NOT NULL,            -- submitted | returned | received
    comment            TEXT NOT NULL DEFAULT '',
    first_submitted_on TEXT NOT NULL,
    submitted_on       TEXT NOT NULL,
    submissions        INTEGER NOT NULL DEFAULT 1,
    submitted_by       INTEGER,
    reviewed_by        INTEGER,
    reviewed_at        DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    UNIQUE (org_id, period)
);
CREATE INDEX work_reports_place ON work_reports (community_code, period);
CREATE INDEX work_reports_street ON work_reports (street_code, period);
CREATE INDEX work_reports_district ON work_reports (district_code, period);
