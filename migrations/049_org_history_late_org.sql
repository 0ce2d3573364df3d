-- The late entries (补录, and changes dated back: migration 039) of one
-- organization: a dashboard of a district or below lists the late-entered
-- organizations under it (internal/kpi enteredLate) by one probe per
-- organization of the unit in this index, which holds those entries alone,
-- instead of walking every late entry in the country.
CREATE INDEX org_history_late_org ON org_history (org_id, entered_at, at) WHERE entered_at > at;
