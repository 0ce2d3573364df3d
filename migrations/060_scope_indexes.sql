-- Issue 19: an evaluated dashboard's corrections ask, in one statement
-- (internal/kpi lastEntries), for the latest late entry of each listed
-- source under the unit, by the source's place column: pilots by
-- district_code, brand designations by street_code. Neither table had an
-- index on that column, so each dashboard read every pilot and every
-- designation in the country (PostgreSQL's plan walked pilots_street by
-- designated_on alone, then a sequential scan for the revocations: 0.4 ms
-- of 上海's and of 浦东's dashboard on a national dataset with 1,399
-- pilots, growing with the country, not with the unit). With these the
-- reads are bounded by the unit's code range, as the bases' and the
-- demonstration points' already were (bases_district,
-- demonstration_points_district).
CREATE INDEX pilots_district ON pilots (district_code);
CREATE INDEX brand_designations_street ON brand_designations (street_code);
