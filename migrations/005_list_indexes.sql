-- Lists filtered by a district or street, newest first: an equality on the
-- code stored on the row, then id order straight from the index.
CREATE INDEX orgs_district_id ON orgs (district_code, id);
CREATE INDEX orgs_street_id ON orgs (street_code, id);
