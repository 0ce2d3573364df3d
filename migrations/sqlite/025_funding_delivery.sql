-- Funding, delivery on the pages: a milestone report's attachments (checked
-- by content, platform/upload) and the activities it links (the project
-- organization's own); 统一承接 sub-allocations (a lead organization that
-- undertook a project passes parts of the award to member organizations,
-- each tranche of a part paid into the member's custody account through the
-- ledger; never edited, a mistake is a reversing entry with a reason).
CREATE TABLE fund_milestone_files (
    id           INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES fund_milestones (id),
    project_id   INTEGER NOT NULL REFERENCES fund_projects (id),
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL,
    uploaded_by  INTEGER NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX fund_milestone_files_milestone ON fund_milestone_files (milestone_id);

CREATE TABLE fund_milestone_activities (
    milestone_id INTEGER NOT NULL REFERENCES fund_milestones (id),
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    PRIMARY KEY (milestone_id, activity_id)
);

CREATE TABLE fund_suballocations (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES fund_projects (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    part        TEXT NOT NULL,
    amount_fen  INTEGER NOT NULL,               -- negative: a reversal of reverses_id
    reverses_id INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    effective_on TEXT NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX fund_suballocations_project ON fund_suballocations (project_id);
CREATE UNIQUE INDEX fund_suballocations_reversal ON fund_suballocations (reverses_id) WHERE reverses_id <> 0;

CREATE TABLE fund_sub_tranches (
    id               INTEGER PRIMARY KEY,
    suballocation_id INTEGER NOT NULL REFERENCES fund_suballocations (id),
    project_id       INTEGER NOT NULL REFERENCES fund_projects (id),
    org_id           INTEGER NOT NULL REFERENCES orgs (id),
    amount_fen       INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on          TEXT NOT NULL,
    posting_id       INTEGER NOT NULL DEFAULT 0,
    hub_org_id       INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER NOT NULL,
    created_at       DATETIME NOT NULL
);
CREATE INDEX fund_sub_tranches_sub ON fund_sub_tranches (suballocation_id);
