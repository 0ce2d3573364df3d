-- Effective dates (生效日期) apart from entry (录入时间). org_history.at is
-- when a change took effect, the date every "as of" answer reads;
-- entered_at is when it was typed in, the date a "known on" answer reads
-- (NULL for rows written before this migration, whose clock was both);
-- late_reason explains a late entry (补录: entered more than 30 days after
-- it took effect).
-- @sqlite
ALTER TABLE org_history ADD COLUMN entered_at DATETIME;
-- @postgres
ALTER TABLE org_history ADD COLUMN entered_at TIMESTAMPTZ;
-- @both
ALTER TABLE org_history ADD COLUMN late_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX org_history_entered ON org_history (field, entered_at);
