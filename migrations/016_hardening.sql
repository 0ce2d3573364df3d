-- Issue 18: failed sign-ins counted in the database, so every replica
-- throttles alike, by account name (known or not) and by address; and an
-- idempotency key's expiry is read from its created_at (no new column).
CREATE TABLE sign_in_failures (
    key           TEXT PRIMARY KEY,   -- 'user:<name>' or 'addr:<address>'
    failures      INTEGER NOT NULL,
-- @sqlite
    first_at      DATETIME NOT NULL,
    blocked_until DATETIME
-- @postgres
    first_at      TIMESTAMPTZ NOT NULL,
    blocked_until TIMESTAMPTZ
-- @both
);
