-- The dated rollup of organizations (035) now counts the hubs by how many
-- social workers they had in post each day (internal/orgroll DimWorkers:
-- the numerator of the hubs' record share, read by internal/kpi instead of
-- every hub's workers in the country). Timelines stored before hold no
-- workers: a database with workers rebuilds the rollup at start-up
-- (orgroll.Ensure).
UPDATE org_roll_state SET built = 0 WHERE EXISTS (SELECT 1 FROM hub_workers);
