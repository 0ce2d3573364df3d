-- The first entry linli holds (internal/kpi firstEntry: the least entry
-- time of the records a correction at a deadline can compare against),
-- read by the first dashboard of a process: MIN(created_at) of bases,
-- pilots and demonstration points walked every row of each without an
-- index (15,025 bases nationally, issue 19); with one it is one seek.
CREATE INDEX bases_created ON bases (created_at);
CREATE INDEX pilots_created ON pilots (created_at);
CREATE INDEX demonstration_points_created ON demonstration_points (created_at);
