-- The dated rollup of organizations (issues 19, 20; internal/orgroll).
-- See the SQLite migration of the same number for the reasoning. Keys and
-- days compare byte-wise (COLLATE "C"), so a code range is a key range.
CREATE TABLE org_segs (
    org_id BIGINT PRIMARY KEY,
    segs   TEXT NOT NULL
);

CREATE TABLE org_roll_keys (
    rk TEXT COLLATE "C" PRIMARY KEY,
    v  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE org_roll (
    rk  TEXT COLLATE "C" NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    n   BIGINT NOT NULL,
    nl  BIGINT NOT NULL,
    PRIMARY KEY (rk, day)
);

CREATE TABLE org_roll_state (built INTEGER NOT NULL);
INSERT INTO org_roll_state (built) SELECT CASE WHEN EXISTS (SELECT 1 FROM orgs) THEN 0 ELSE 1 END;
