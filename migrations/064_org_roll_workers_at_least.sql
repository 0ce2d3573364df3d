-- The hubs' social workers in the dated rollup (issue 19, internal/orgroll
-- rules.go WorkersDim): a hub with n workers in post, q of them qualified,
-- counts under the dimensions "at least i workers" for i up to n and "at
-- least i qualified" for i up to q, each with one key per unit and area,
-- instead of one key per (n, q): a rule's numerator ("hubs with at least
-- m workers") reads one row per district and area (the national city's
-- dashboard read 77 rows of (n, q) keys). Rollups built before hold the
-- old keys: a database with organizations rebuilds the rollup at start-up
-- (orgroll.Ensure).
UPDATE org_roll_state SET built = 0 WHERE EXISTS (SELECT 1 FROM orgs);
