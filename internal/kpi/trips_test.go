package kpi

import (
	"encoding/json"
	"testing"

	"linli/internal/registry"
)

// TestStatementsPerDashboard pins how many times a dashboard evaluated
// without the cache waits for the database (db.DB.RoundTrips: statements
// with arguments on SQLite, round trips on PostgreSQL), once its
// statements are prepared (before this count, 21 for the city and 13 for
// a district on SQLite, then 8 and 7, and 9 and 8 on PostgreSQL, while the
// unit, its path, the indicators and the division lists were read on each
// dashboard; the same on both engines now):
// the frame's version (frame.go: the unit, its path, the indicators and
// the division lists come from the process's frame while it stands), the
// rollup's reads and the records' counts (each one statement for all the
// indicators: see prefetch) and, for the city, whether a hub worker was
// entered late. The corrections' entries (lastEntries) and the late
// organizations (enteredLate, none here) were read by the first dashboard
// and are kept under their counters (then.go: kpi_facts, kpi_late), 6 and 5
// before. The dashboard is the records' answer (FromRecords), so the fewer
// statements change nothing.
func TestStatementsPerDashboard(t *testing.T) {
	w := newWorld(t)
	w.kpi.NoCache(true)
	w.tripsRecords()
	for _, c := range []struct {
		unit  string
		trips int64
	}{{cityCode, 4}, {tianheCode, 3}} {
		var js [2]string
		for i, records := range []bool{true, false} {
			w.kpi.FromRecords(records)
			d, err := w.kpi.Dashboard(w.ctx, w.city, c.unit, "")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(d)
			js[i] = string(b)
		}
		if js[0] != js[1] {
			t.Errorf("%s: the dashboard from the rollup and prefetched:\n%s\nfrom the records:\n%s", c.unit, js[1], js[0])
		}
		before := w.db.RoundTrips()
		if _, err := w.kpi.Dashboard(w.ctx, w.city, c.unit, ""); err != nil {
			t.Fatal(err)
		}
		if got := w.db.RoundTrips() - before; got != c.trips {
			t.Errorf("dashboard of %s: %d round trips, want %d", c.unit, got, c.trips)
		}
	}
}

// tripsRecords are the records the statement-counting tests share: a hub
// in 从化 with a worker since 2023-06-01, and two organizations in 天河;
// the clock then moves to 2026-03-10.
func (w *world) tripsRecords() {
	w.clock.set("2023-06-01")
	h := w.org("440117001001", registry.TierStreet)
	w.change(h.ID, func(in *registry.Input) { in.Hub = true })
	w.worker(h.ID, "2023-06-01")
	w.org("440106001001", registry.TierStreet)
	w.org("440106002008", registry.TierCommunity)
	w.clock.set("2026-03-10")
}
