-- Census import jobs kept in the database, so that every replica sees a
-- job's progress and report, and a job outlives the process that ran it.
-- A replica claims a job with a lease (owner, heartbeat, expiry, in Unix
-- milliseconds); a job whose lease ran out unfinished is run again or
-- failed by whichever replica finds it (census.Jobs.Recover).
CREATE TABLE census_jobs (
    id           TEXT PRIMARY KEY,
-- @sqlite
    user_id      INTEGER NOT NULL,
    user_json    TEXT NOT NULL,            -- the account the import runs as
    round_id     INTEGER NOT NULL DEFAULT 0,
    file_name    TEXT NOT NULL,
    dry_run      INTEGER NOT NULL DEFAULT 0,
-- @postgres
    user_id      BIGINT NOT NULL,
    user_json    TEXT NOT NULL,            -- the account the import runs as
    round_id     BIGINT NOT NULL DEFAULT 0,
    file_name    TEXT NOT NULL,
    dry_run      BIGINT NOT NULL DEFAULT 0,
-- @both
    status       TEXT NOT NULL,            -- queued | running | done | failed
    owner        TEXT NOT NULL DEFAULT '',
-- @sqlite
    attempts     INTEGER NOT NULL DEFAULT 0,
    heartbeat_ms INTEGER NOT NULL DEFAULT 0,
    lease_ms     INTEGER NOT NULL DEFAULT 0,
    rows_read    INTEGER NOT NULL DEFAULT 0,
-- @postgres
    attempts     BIGINT NOT NULL DEFAULT 0,
    heartbeat_ms BIGINT NOT NULL DEFAULT 0,
    lease_ms     BIGINT NOT NULL DEFAULT 0,
    rows_read    BIGINT NOT NULL DEFAULT 0,
-- @both
    report       TEXT NOT NULL DEFAULT '', -- JSON, once done
    error        TEXT NOT NULL DEFAULT '', -- JSON message, once failed
-- @sqlite
    created_ms   INTEGER NOT NULL,
    finished_ms  INTEGER NOT NULL DEFAULT 0
-- @postgres
    created_ms   BIGINT NOT NULL,
    finished_ms  BIGINT NOT NULL DEFAULT 0
-- @both
);
CREATE INDEX census_jobs_status ON census_jobs (status, lease_ms);

-- The uploaded file of a job, in chunks (bounded memory on both sides).
CREATE TABLE census_job_files (
    job_id TEXT NOT NULL REFERENCES census_jobs (id) ON DELETE CASCADE,
-- @sqlite
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
-- @postgres
    seq    BIGINT NOT NULL,
    data   BYTEA NOT NULL,
-- @both
    PRIMARY KEY (job_id, seq)
);
