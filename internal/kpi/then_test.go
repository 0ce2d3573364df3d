package kpi

import (
	"encoding/json"
	"testing"

	"linli/internal/registry"
)

// TestKeptThenAnswersStayTheRecords holds the corrections' kept known-then
// answers (then.go) to the records' evaluation: after every step the
// dashboards of the city and of 天河, evaluated without the cache by a
// service that keeps its answers between them, must equal, byte for byte,
// those of a fresh service counting from the records. A late entry made
// after the deadline moves the "now" side and the month, and leaves the
// kept "then" side kept; an organization created with the clock set back
// before the deadline, and a history row deleted, change what was known
// then, and must be seen (kpi_then's triggers, migration 056).
func TestKeptThenAnswersStayTheRecords(t *testing.T) {
	w := newWorld(t)
	w.kpi.NoCache(true)
	w.indicators(allOrgs)
	w.clock.set("2023-06-01")
	known := w.org("440106001001", registry.TierStreet)
	w.org("440106001002", registry.TierCommunity)
	w.clock.set("2024-03-10")
	census := w.org("440106002008", registry.TierStreet)
	w.lateHistory(census.ID, "status", "active", "2021-10-01")

	dash := func(s *Service, unit string) (string, *Dashboard) {
		t.Helper()
		d, err := s.Dashboard(w.ctx, w.city, unit, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		return string(b), d
	}
	// check compares the kept service's dashboards with the records', and
	// returns 天河's all_orgs correction
	check := func(step string) *Correction {
		t.Helper()
		records := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		records.FromRecords(true)
		var c *Correction
		for _, unit := range []string{tianheCode, cityCode} {
			got, d := dash(w.kpi, unit)
			if want, _ := dash(records, unit); got != want {
				t.Errorf("%s: %s's dashboard with kept answers:\n%s\nfrom the records:\n%s", step, unit, got, want)
			}
			for _, r := range d.Results {
				if r.Key == "all_orgs" && unit == tianheCode {
					c = r.Correction
				}
			}
		}
		return c
	}
	kept := func() (int, int64) {
		t.Helper()
		f, _, err := w.kpi.frameAt(w.ctx, tianheCode)
		if err != nil {
			t.Fatal(err)
		}
		f.then.mu.Lock()
		defer f.then.mu.Unlock()
		var n int64
		if err := w.db.Read.QueryRowContext(w.ctx, `SELECT n FROM kpi_then WHERE id = 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return len(f.then.m), n
	}
	want := func(step string, c *Correction, was, now float64, month string) {
		t.Helper()
		if c == nil || !near(c.Was, was) || !near(c.Now, now) || c.Month != month {
			t.Errorf("%s: 天河's all_orgs correction %+v, want %v → %v in %s", step, c, was, now, month)
		}
	}

	want("the census", check("the census"), 2, 3, "2024-03")
	n0, v0 := kept()
	if n0 == 0 {
		t.Fatal("no known-then answer kept at 天河 after its dashboard")
	}

	// a late entry after the deadline: the now side and the month move,
	// the then side is the kept one
	w.clock.set("2024-04-02")
	census2 := w.org("440106002008", registry.TierCommunity)
	w.lateHistory(census2.ID, "status", "active", "2021-05-01")
	want("a second late entry", check("a second late entry"), 2, 4, "2024-04")
	if n, v := kept(); n < n0 || v != v0 {
		t.Errorf("a late entry after the deadline dropped the kept answers: %d kept (was %d), kpi_then %d (was %d)", n, n0, v, v0)
	}

	// an organization entered with the clock set back before the deadline:
	// known then, after all (and the frame's answers, as the kept then side, are read again)
	w.clock.set("2023-07-01")
	w.org("440106001003", registry.TierCommunity)
	w.clock.set("2024-04-02")
	want("an entry dated back", check("an entry dated back"), 3, 5, "2024-04")
	_, v1 := kept()
	if v1 == v0 {
		t.Errorf("an entry stamped before the deadline left kpi_then at %d", v1)
	}

	// a history row deleted (no service deletes one: a repair by hand)
	// drops what the frame kept
	if n, _ := kept(); n == 0 {
		t.Fatal("no known-then answer kept at 天河 before the delete")
	}
	if _, err := w.db.Write.ExecContext(w.ctx, `DELETE FROM org_history WHERE org_id = $1 AND field = 'status'`, known.ID); err != nil {
		t.Fatal(err)
	}
	if n, v2 := kept(); v2 == v1 || n != 0 {
		t.Errorf("a deleted history row left kpi_then at %d, %d answers kept", v2, n)
	}
}
