-- The backbone: divisions, accounts, sessions, tokens, audit, organizations.

CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL,          -- 1 province, 2 city, 3 district, 4 street, 5 community
    parent_code TEXT,
    kind        TEXT NOT NULL DEFAULT ''   -- communities: urban | rural | other
);
CREATE INDEX divisions_parent ON divisions (parent_code, code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    scope_code    TEXT NOT NULL,
    org_id        INTEGER,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    failed_since  DATETIME,
    locked_until  DATETIME,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX users_scope ON users (scope_code);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- One row: the head of the audit hash chain. Updating it first serializes
-- appenders on both engines (a row lock on PostgreSQL, the writer on SQLite).
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '');

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          DATETIME NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT '',
    scope_code  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_scope ON audit_log (scope_code);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE orgs (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    name_key           TEXT NOT NULL,     -- normalized name for duplicate detection
    tier               TEXT NOT NULL,     -- registered | street | community
    types_mask         INTEGER NOT NULL DEFAULT 0,
    groups_mask        INTEGER NOT NULL DEFAULT 0,
    community_code     TEXT NOT NULL REFERENCES divisions (code),
    street_code        TEXT NOT NULL,
    district_code      TEXT NOT NULL,
    credit_code        TEXT UNIQUE,
    address            TEXT NOT NULL DEFAULT '',
    founded_on         TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD
    members            INTEGER NOT NULL DEFAULT 0,
    leader_name        TEXT NOT NULL DEFAULT '',
    leader_phone       TEXT NOT NULL DEFAULT '',
    party_org          TEXT NOT NULL DEFAULT 'none',  -- independent | joint | none
    party_instructor   TEXT NOT NULL DEFAULT '',
    hub                INTEGER NOT NULL DEFAULT 0,
    brand              INTEGER NOT NULL DEFAULT 0,
    demonstration_year INTEGER,
    volunteer_mark     INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL,     -- pending | returned | active | suspended | deregistered
    return_reason      TEXT NOT NULL DEFAULT '',
    created_by         INTEGER,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX orgs_community_name ON orgs (community_code, name_key);
CREATE INDEX orgs_district ON orgs (district_code, status, id);
CREATE INDEX orgs_street ON orgs (street_code, status);
CREATE INDEX orgs_created_by ON orgs (created_by);

-- Dated history of status, tier and flags: what was true on any past day.
CREATE TABLE org_history (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    field      TEXT NOT NULL,
    old_value  TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at         DATETIME NOT NULL,
    user_id    INTEGER,
    username   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX org_history_org ON org_history (org_id, field, at);
CREATE INDEX org_history_field ON org_history (field, at);
