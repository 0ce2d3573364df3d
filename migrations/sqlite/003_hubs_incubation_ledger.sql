-- Hubs (custody membership, social workers), incubation bases (rooms,
-- bookings, incubated organizations) and the custody ledger.

-- An organization held in custody by a hub, with the organization's consent.
CREATE TABLE hub_members (
    id             INTEGER PRIMARY KEY,
    hub_org_id     INTEGER NOT NULL REFERENCES orgs (id),
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    status         TEXT NOT NULL,                -- active | released
    consent_by     TEXT NOT NULL,                -- who gave the organization's consent
    consent_on     TEXT NOT NULL,                -- YYYY-MM-DD
    consent_note   TEXT NOT NULL DEFAULT '',
    joined_on      TEXT NOT NULL,
    released_on    TEXT NOT NULL DEFAULT '',
    release_reason TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX hub_members_one_active ON hub_members (org_id) WHERE status = 'active';
CREATE INDEX hub_members_hub ON hub_members (hub_org_id, status);

-- The hub's social workers (1–2 full- or part-time per hub by 2023).
CREATE TABLE hub_workers (
    id         INTEGER PRIMARY KEY,
    hub_org_id INTEGER NOT NULL REFERENCES orgs (id),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,                    -- full_time | part_time
    qualified  INTEGER NOT NULL DEFAULT 0,       -- holds the national social-work qualification
    started_on TEXT NOT NULL,
    ended_on   TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE INDEX hub_workers_hub ON hub_workers (hub_org_id, ended_on);

-- Incubation bases (培育基地).
CREATE TABLE bases (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    host_type       TEXT NOT NULL,               -- party_mass_center | civilization_center | social_work_station | other
    address         TEXT NOT NULL DEFAULT '',
    division_code   TEXT NOT NULL REFERENCES divisions (code),
    district_code   TEXT NOT NULL,
    street_code     TEXT NOT NULL DEFAULT '',    -- '' for a district-level base
    operator_org_id INTEGER REFERENCES orgs (id),
    opening_hours   TEXT NOT NULL DEFAULT '',
    services_mask   INTEGER NOT NULL DEFAULT 0,
    opened_on       TEXT NOT NULL,
    closed_on       TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX bases_division ON bases (division_code);
CREATE INDEX bases_district ON bases (district_code, street_code);
CREATE INDEX bases_operator ON bases (operator_org_id);

CREATE TABLE base_rooms (
    id         INTEGER PRIMARY KEY,
    base_id    INTEGER NOT NULL REFERENCES bases (id),
    name       TEXT NOT NULL,
    capacity   INTEGER NOT NULL DEFAULT 0,
    facilities TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at DATETIME NOT NULL
);
CREATE INDEX base_rooms_base ON base_rooms (base_id);

CREATE TABLE room_bookings (
    id           INTEGER PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES base_rooms (id),
    base_id      INTEGER NOT NULL REFERENCES bases (id),
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    starts_at    DATETIME NOT NULL,
    ends_at      DATETIME NOT NULL,
    purpose      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,                  -- booked | cancelled
    booked_by    INTEGER,
    created_at   DATETIME NOT NULL,
    cancelled_at DATETIME
);
CREATE INDEX room_bookings_room ON room_bookings (room_id, starts_at);
CREATE INDEX room_bookings_org ON room_bookings (org_id);

CREATE TABLE base_incubatees (
    id         INTEGER PRIMARY KEY,
    base_id    INTEGER NOT NULL REFERENCES bases (id),
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    entered_on TEXT NOT NULL,
    left_on    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,                    -- incubating | graduated | exited
    note       TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX base_incubatees_current ON base_incubatees (base_id, org_id) WHERE status = 'incubating';
CREATE INDEX base_incubatees_org ON base_incubatees (org_id);

-- The custody ledger. Accounts belong to a hub; org_id is whose money it is
-- (the hub itself for its cash and own funds). balance_fen is the sum of the
-- account's lines (debit positive), kept in the posting's transaction.
CREATE TABLE ledger_accounts (
    id          INTEGER PRIMARY KEY,
    hub_org_id  INTEGER NOT NULL REFERENCES orgs (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    kind        TEXT NOT NULL,                   -- cash | funds | own_income | own_expense
    source      TEXT NOT NULL DEFAULT '',        -- own_income: the income source
    balance_fen INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'open',    -- open | closed
    opened_at   DATETIME NOT NULL,
    closed_at   DATETIME
);
CREATE UNIQUE INDEX ledger_accounts_key ON ledger_accounts (hub_org_id, org_id, kind, source);
CREATE INDEX ledger_accounts_org ON ledger_accounts (org_id, kind);
CREATE TRIGGER ledger_accounts_fixed BEFORE UPDATE OF id, hub_org_id, org_id, kind, source ON ledger_accounts
BEGIN SELECT RAISE(ABORT, 'ledger account identity is fixed'); END;
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
BEGIN SELECT RAISE(ABORT, 'ledger accounts are never deleted'); END;

-- Receipts and attachments, in the database so every replica serves them.
CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    hub_org_id   INTEGER NOT NULL REFERENCES orgs (id),
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL,
    uploaded_by  INTEGER,
    created_at   DATETIME NOT NULL
);
CREATE INDEX receipts_org ON receipts (org_id);
CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;

-- One row: the head of the posting hash chain; a posting's id is its place
-- in the chain, so ids have no gaps.
CREATE TABLE ledger_head (
    id        INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, last_hash) VALUES (1, 0, '');

CREATE TABLE postings (
    id            INTEGER PRIMARY KEY,
    hub_org_id    INTEGER NOT NULL REFERENCES orgs (id),
    org_id        INTEGER NOT NULL REFERENCES orgs (id),
    kind          TEXT NOT NULL,                 -- income | expense | reversal
    source        TEXT NOT NULL DEFAULT '',
    voucher       TEXT NOT NULL DEFAULT '',
    memo          TEXT NOT NULL DEFAULT '',
    payee         TEXT NOT NULL DEFAULT '',
    occurred_on   TEXT NOT NULL,                 -- YYYY-MM-DD
    reverses_id   INTEGER UNIQUE REFERENCES postings (id),
    expense_id    INTEGER,
    attachment_id INTEGER REFERENCES receipts (id),
    created_at    DATETIME NOT NULL,
    created_by    INTEGER,
    username      TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX postings_org ON postings (org_id, occurred_on);
CREATE INDEX postings_hub ON postings (hub_org_id, occurred_on);

CREATE TABLE posting_lines (
    id         INTEGER PRIMARY KEY,
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    account_id INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0)   -- debit positive, credit negative
);
CREATE INDEX posting_lines_posting ON posting_lines (posting_id);
CREATE INDEX posting_lines_account ON posting_lines (account_id, posting_id);

CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER posting_lines_no_update BEFORE UPDATE ON posting_lines
BEGIN SELECT RAISE(ABORT, 'posting lines are append-only'); END;
CREATE TRIGGER posting_lines_no_delete BEFORE DELETE ON posting_lines
BEGIN SELECT RAISE(ABORT, 'posting lines are append-only'); END;

CREATE TABLE expenses (
    id             INTEGER PRIMARY KEY,
    hub_org_id     INTEGER NOT NULL REFERENCES orgs (id),
    org_id         INTEGER NOT NULL REFERENCES orgs (id),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
    purpose        TEXT NOT NULL,
    payee          TEXT NOT NULL,
    spent_on       TEXT NOT NULL,
    receipt_id     INTEGER NOT NULL REFERENCES receipts (id),
    status         TEXT NOT NULL,                -- pending | returned | paid | reversed
    return_reason  TEXT NOT NULL DEFAULT '',
    submitted_by   INTEGER NOT NULL,
    submitted_name TEXT NOT NULL DEFAULT '',
    submitted_at   DATETIME NOT NULL,
    decided_by     INTEGER,
    decided_name   TEXT NOT NULL DEFAULT '',
    decided_at     DATETIME,
    posting_id     INTEGER REFERENCES postings (id),
    updated_at     DATETIME NOT NULL
);
CREATE INDEX expenses_org ON expenses (org_id, status);
CREATE INDEX expenses_hub ON expenses (hub_org_id, status);

-- Idempotency keys: the same key and payload returns the first response.
CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code  INTEGER NOT NULL DEFAULT 0,
    response     TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_user_key ON idempotency_keys (user_id, idem_key);
