-- Entries made after the time they take effect (late entries, 补录, and
-- changes dated back): an indicator known on a past day (a deadline's
-- value as linli gave it then) reads the dated rollup of organizations and
-- corrects it only for the organizations with such an entry made after
-- that day (internal/kpi rollEvaluate). The index holds those entries
-- alone, so the read is bounded by them, not by the history.
CREATE INDEX org_history_late ON org_history (entered_at) WHERE entered_at > at;
