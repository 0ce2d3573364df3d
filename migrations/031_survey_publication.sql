-- A recognition survey's results are published on the portal when the
-- survey's owner (an officer of its unit or above) publishes them, and
-- withdrawn the same way; published_at NULL: not published.
-- @sqlite
ALTER TABLE surveys ADD COLUMN published_at DATETIME;
ALTER TABLE surveys ADD COLUMN published_by INTEGER;

-- @postgres
ALTER TABLE surveys ADD COLUMN published_at TIMESTAMPTZ;
ALTER TABLE surveys ADD COLUMN published_by BIGINT;
