-- The dated rollup of organizations (035) now counts the hubs by how many
-- social workers they had in post each day (internal/orgroll DimWorkers:
-- the numerator of the hubs' record share, read by internal/kpi instead of
-- every hub's workers in the country). Timelines stored before hold no
-- workers: a database with workers rebuilds the rollup at start-up
-- (orgroll.Ensure).
UPDATE org_roll_state SET built = 0 WHERE EXISTS (SELECT 1 FROM hub_workers);

-- The workers entered after a day (created_at), in post by a date: a
-- dashboard's correction at a deadline asks whether there are any
-- (internal/kpi workersEnteredAfter: if none, the known-on answer is the
-- rollup's) and, without this index, read every worker in the country to
-- find none.
CREATE INDEX hub_workers_created ON hub_workers (created_at);
