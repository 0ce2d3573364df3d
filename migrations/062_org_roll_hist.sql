-- The units' histograms (issue 19, internal/orgroll hist.go): for the
-- streets of each district and the communities of each street, how many
-- counted exactly c organizations (every one, hubs, brands, the volunteer
-- mark) on a day, kept in org_roll under levels 14 and 15, so that a
-- dashboard judging every street or community reads a few rows per child
-- unit. Rollups built before hold none: a database with organizations
-- rebuilds the rollup at start-up (orgroll.Ensure).
UPDATE org_roll_state SET built = 0 WHERE EXISTS (SELECT 1 FROM orgs);
