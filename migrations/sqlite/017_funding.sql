-- Funding (C6, C9): calls for projects (政府购买服务, 公益创投, 微创投…),
-- applications with budget lines, reviewers and their scores, awards that
-- become projects, tranches paid (into custody through the ledger, or
-- directly to a registered organization), milestones and their reports,
-- brand designations (品牌项目, 品牌社区社会组织), residents' needs and
-- pairings (结对共建). Lists in a call (fields, eligibility, criteria,
-- bonus rules, needs) are JSON text: the call is read and written whole.

CREATE TABLE fund_calls (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    channel     TEXT NOT NULL,                   -- government_purchase | venture_philanthropy | contest | micro_venture | lottery_fund | community_fund | social_support
    unit_code   TEXT NOT NULL,                   -- the division the call is open to
    budget_fen  INTEGER NOT NULL,
    fields      TEXT NOT NULL DEFAULT '[]',      -- service fields (JSON list)
    need_ids    TEXT NOT NULL DEFAULT '[]',      -- residents' needs answered (JSON list of ids)
    eligibility TEXT NOT NULL DEFAULT '{}',      -- JSON: tiers, statuses, party_org_required, custody_required, min_grade, pairing_required
    criteria    TEXT NOT NULL DEFAULT '[]',      -- JSON: [{key, name, weight, max}]
    bonus       TEXT NOT NULL DEFAULT '[]',      -- JSON: [{rule, points}] and tie-breaks, shown to applicants
    tie_breaks  TEXT NOT NULL DEFAULT '[]',
    opens_on    TEXT NOT NULL,
    closes_on   TEXT NOT NULL,
    review_on   TEXT NOT NULL DEFAULT '',
    award_on    TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);
CREATE INDEX fund_calls_unit ON fund_calls (unit_code);

CREATE TABLE fund_applications (
    id             INTEGER PRIMARY KEY,
    call_id        INTEGER NOT NULL REFERENCES fund_calls (id),
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    community_code TEXT NOT NULL,                -- the organization's, for scope
    title          TEXT NOT NULL,
    need           TEXT NOT NULL DEFAULT '',
    target_groups  TEXT NOT NULL DEFAULT '',
    beneficiaries  INTEGER NOT NULL DEFAULT 0,
    activities     TEXT NOT NULL DEFAULT '',
    partners       TEXT NOT NULL DEFAULT '',
    pairing_org_id INTEGER NOT NULL DEFAULT 0,
    request_fen    INTEGER NOT NULL,
    budget         TEXT NOT NULL DEFAULT '[]',   -- JSON: [{item, amount_fen}]
    status         TEXT NOT NULL,                -- draft | submitted | withdrawn
    reasons        TEXT NOT NULL DEFAULT '[]',   -- the last refusal's reasons (JSON)
    submitted_at   DATETIME,
    created_by     INTEGER NOT NULL,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX fund_applications_call ON fund_applications (call_id, status);
CREATE INDEX fund_applications_org ON fund_applications (org_id);

CREATE TABLE fund_reviewers (
    call_id     INTEGER NOT NULL REFERENCES fund_calls (id),
    user_id     INTEGER NOT NULL,
    assigned_at DATETIME NOT NULL,
    PRIMARY KEY (call_id, user_id)
);

-- A conflict a reviewer declared for one application.
CREATE TABLE fund_conflicts (
    application_id INTEGER NOT NULL REFERENCES fund_applications (id),
    user_id        INTEGER NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, user_id)
);

-- One reviewer's score on one criterion of one application.
CREATE TABLE fund_scores (
    call_id        INTEGER NOT NULL REFERENCES fund_calls (id),
    application_id INTEGER NOT NULL REFERENCES fund_applications (id),
    reviewer_id    INTEGER NOT NULL,
    criterion      TEXT NOT NULL,
    score          INTEGER NOT NULL,
    scored_at      DATETIME NOT NULL,
    PRIMARY KEY (application_id, reviewer_id, criterion)
);
CREATE INDEX fund_scores_call ON fund_scores (call_id, application_id, criterion, score);

-- An award: the grant agreement and the project it funds.
CREATE TABLE fund_projects (
    id               INTEGER PRIMARY KEY,
    call_id          INTEGER NOT NULL REFERENCES fund_calls (id),
    application_id   INTEGER NOT NULL UNIQUE REFERENCES fund_applications (id),
    org_id           INTEGER NOT NULL REFERENCES orgs (id),
    community_code   TEXT NOT NULL,
    street_code      TEXT NOT NULL,
    district_code    TEXT NOT NULL,
    title            TEXT NOT NULL,
    award_fen        INTEGER NOT NULL,
    score_x100       INTEGER NOT NULL DEFAULT 0,  -- the weighted mean at the award, in hundredths
    rank_at_award    INTEGER NOT NULL DEFAULT 0,
    departure_reason TEXT NOT NULL DEFAULT '',
    awarded_on       TEXT NOT NULL,
    status           TEXT NOT NULL,              -- active | closed
    closed_on        TEXT NOT NULL DEFAULT '',
    created_by       INTEGER NOT NULL,
    created_at       DATETIME NOT NULL
);
CREATE INDEX fund_projects_call ON fund_projects (call_id);
CREATE INDEX fund_projects_org ON fund_projects (org_id);

CREATE TABLE fund_budget_lines (
    project_id INTEGER NOT NULL REFERENCES fund_projects (id),
    line_no    INTEGER NOT NULL,
    item       TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (project_id, line_no)
);

-- A tranche paid: into custody (posting_id) or directly (posting_id 0).
CREATE TABLE fund_tranches (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES fund_projects (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on    TEXT NOT NULL,
    posting_id INTEGER NOT NULL DEFAULT 0,
    hub_org_id INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX fund_tranches_project ON fund_tranches (project_id);

CREATE TABLE fund_milestones (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES fund_projects (id),
    kind        TEXT NOT NULL,                   -- milestone | midterm | closing
    title       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    report      TEXT NOT NULL DEFAULT '',
    reported_on TEXT NOT NULL DEFAULT '',
    reported_by INTEGER NOT NULL DEFAULT 0,
    accepted_on TEXT NOT NULL DEFAULT '',
    accepted_by INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fund_milestones_project ON fund_milestones (project_id);

-- Dated designations: a brand project (品牌项目) or a brand organization.
CREATE TABLE brand_designations (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,                -- project | org
    project_id     INTEGER NOT NULL DEFAULT 0,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    name           TEXT NOT NULL,
    community_code TEXT NOT NULL,
    street_code    TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    reason         TEXT NOT NULL,
    effective_on   TEXT NOT NULL,
    revoked_on     TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX brand_designations_place ON brand_designations (kind, community_code);
CREATE UNIQUE INDEX brand_designations_project ON brand_designations (project_id) WHERE kind = 'project';

-- Residents' needs (需求), each with its community.
CREATE TABLE fund_needs (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL,
    title          TEXT NOT NULL,
    field          TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    recorded_on    TEXT NOT NULL,
    created_by     INTEGER NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX fund_needs_place ON fund_needs (community_code);

-- Pairings (结对共建): an organization with a registered social
-- organization or social-work agency.
CREATE TABLE fund_pairings (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    partner_org_id INTEGER NOT NULL REFERENCES orgs (id),
    community_code TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    started_on     TEXT NOT NULL,
    ended_on       TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL,
    created_at     DATETIME NOT NULL
);
CREATE INDEX fund_pairings_place ON fund_pairings (community_code);

-- Expenses spent on a project, against one of its budget lines.
ALTER TABLE expenses ADD COLUMN project_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE expenses ADD COLUMN budget_line TEXT NOT NULL DEFAULT '';
CREATE INDEX expenses_project ON expenses (project_id, status);

-- brand designations count for the indicators' cache (see 008)
CREATE TRIGGER kpi_changes_brand_designations_ai AFTER INSERT ON brand_designations BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (NEW.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER kpi_changes_brand_designations_au AFTER UPDATE ON brand_designations BEGIN
    INSERT INTO kpi_changes (district, n) VALUES (OLD.district_code, 1) ON CONFLICT (district) DO UPDATE SET n = n + 1;
END;
