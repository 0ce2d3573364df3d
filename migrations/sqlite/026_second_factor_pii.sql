-- Issue 18: a second factor (TOTP, RFC 6238) with single-use recovery
-- codes; sign-in sessions waiting for the code; personal fields sealed with
-- the application key (AES-GCM, internal/platform/pii) with a keyed hash
-- beside each for exact lookups and duplicate checks. The rows already
-- there are sealed at start by pii.EncryptExisting (it needs the key, which
-- SQL has not).

-- totp_secret: sealed; totp_on: the enrolment was confirmed with a code;
-- totp_step: the last accepted 30-second step (a code is accepted once).
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_on INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,          -- keyed hash; the code is shown once
    created_at DATETIME NOT NULL,
    used_at    DATETIME
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A session opened by the password alone, waiting for the second factor:
-- it authenticates nothing until LoginTOTP turns it into a real session.
ALTER TABLE sessions ADD COLUMN mfa_pending INTEGER NOT NULL DEFAULT 0;

-- The check value that proves the configured key is the database's key.
CREATE TABLE app_keys (
    name        TEXT PRIMARY KEY,
    check_value TEXT NOT NULL
);

ALTER TABLE orgs ADD COLUMN leader_phone_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE volunteers ADD COLUMN phone_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN phone_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN id_number_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE emergency_contacts ADD COLUMN phone_hash TEXT NOT NULL DEFAULT '';
DROP INDEX people_phone;
CREATE INDEX people_phone_hash ON people (phone_hash);
CREATE INDEX orgs_leader_phone_hash ON orgs (leader_phone_hash);
