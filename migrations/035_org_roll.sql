-- @sqlite
-- The dated rollup of organizations (issues 19, 20; internal/orgroll).
--
-- org_segs holds each organization's timeline: the spans of days it was
-- active and how it stood in each (community, tier, types, groups, flags,
-- party organization, late entries in effect), derived from its row and
-- its dated history by orgroll.Timeline.
--
-- org_roll holds, for every key (level|dimension|code|area|value, so that a
-- code range is a key range), the count of active organizations (n) and of
-- those counted by a late entry (nl) from each day the count changed: a
-- date's count is the key's last row on or before it, one indexed read.
-- org_roll_keys lists the keys, so a report reads one row per key.
-- Whoever writes org_history calls orgroll.Refresh in the same
-- transaction. A database that already holds organizations is built by
-- orgroll.Ensure at start-up (built = 0 until then).
CREATE TABLE org_segs (
    org_id INTEGER PRIMARY KEY,
-- @postgres
-- The dated rollup of organizations (issues 19, 20; internal/orgroll).
-- See the SQLite migration of the same number for the reasoning. Keys and
-- days compare byte-wise (COLLATE "C"), so a code range is a key range.
CREATE TABLE org_segs (
    org_id BIGINT PRIMARY KEY,
-- @both
    segs   TEXT NOT NULL
);

CREATE TABLE org_roll_keys (
-- @sqlite
    rk TEXT PRIMARY KEY,
    v  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- @postgres
    rk TEXT COLLATE "C" PRIMARY KEY,
    v  BIGINT NOT NULL DEFAULT 0
);
-- @both

CREATE TABLE org_roll (
-- @sqlite
    rk  TEXT NOT NULL,
    day TEXT NOT NULL,
    n   INTEGER NOT NULL,
    nl  INTEGER NOT NULL,
    PRIMARY KEY (rk, day)
) WITHOUT ROWID;
-- @postgres
    rk  TEXT COLLATE "C" NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    n   BIGINT NOT NULL,
    nl  BIGINT NOT NULL,
    PRIMARY KEY (rk, day)
);
-- @both

CREATE TABLE org_roll_state (built INTEGER NOT NULL);
INSERT INTO org_roll_state (built) SELECT CASE WHEN EXISTS (SELECT 1 FROM orgs) THEN 0 ELSE 1 END;
