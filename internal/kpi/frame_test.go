package kpi

import (
	"testing"

	"linli/internal/registry"
)

// TestFrameSeesAnotherReplicasEdits holds the dashboards' frames (frame.go,
// kept per process) to the shared database: a second service on the same
// database (a second replica) that has made a dashboard, and so keeps its
// frame, answers the next one with an indicator's new target, without an
// indicator deactivated, with an indicator added and with a division
// renamed, each written through the first service (or, for the division,
// straight into the table, as the divisions' import does), whether its
// evaluations are cached or made on every request; and its answer stays the
// records' (FromRecords) throughout.
func TestFrameSeesAnotherReplicasEdits(t *testing.T) {
	w := newWorld(t)
	w.clock.set("2023-06-01")
	w.org("440106001001", registry.TierStreet)
	w.org("440117001001", registry.TierCommunity)
	w.clock.set("2026-03-10")
	for _, cached := range []bool{false, true} {
		other := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		other.NoCache(!cached)
		results := func(unit string) map[string]*Result {
			t.Helper()
			d, err := other.Dashboard(w.ctx, w.city, unit, "")
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]*Result{}
			for _, r := range d.Results {
				out[r.Key] = r
			}
			return out
		}
		before := results(cityCode)
		if len(before) < 2 {
			t.Fatalf("cached %v: %d indicators on the city's dashboard", cached, len(before))
		}
		inds, err := w.kpi.List(w.ctx, w.city, cityCode, false)
		if err != nil {
			t.Fatal(err)
		}
		edited, dropped := inds[0], inds[1]
		in := InputOf(edited)
		in.Target = edited.Target / 2
		if _, err := w.kpi.Update(w.ctx, w.city, edited.Key, in); err != nil {
			t.Fatal(err)
		}
		off := false
		in = InputOf(dropped)
		in.Active = &off
		if _, err := w.kpi.Update(w.ctx, w.city, dropped.Key, in); err != nil {
			t.Fatal(err)
		}
		added := InputOf(edited)
		added.Key = "replica_added_" + map[bool]string{false: "cold", true: "cached"}[cached]
		added.Active = nil
		if _, err := w.kpi.Create(w.ctx, w.city, added); err != nil {
			t.Fatal(err)
		}
		after := results(cityCode)
		if r := after[edited.Key]; r == nil || r.Target != edited.Target/2 {
			t.Errorf("cached %v: the other replica's target of %s after the edit: %+v, want %v", cached, edited.Key, r, edited.Target/2)
		}
		if _, ok := after[dropped.Key]; ok {
			t.Errorf("cached %v: the other replica still shows %s, deactivated", cached, dropped.Key)
		}
		if _, ok := after[added.Key]; !ok {
			t.Errorf("cached %v: the other replica does not show %s, added", cached, added.Key)
		}
		// put them back for the next round
		in = InputOf(edited)
		if _, err := w.kpi.Update(w.ctx, w.city, edited.Key, in); err != nil {
			t.Fatal(err)
		}
		in = InputOf(dropped)
		if _, err := w.kpi.Update(w.ctx, w.city, dropped.Key, in); err != nil {
			t.Fatal(err)
		}
		in = InputOf(edited)
		in.Key = added.Key
		off = false
		in.Active = &off
		if _, err := w.kpi.Update(w.ctx, w.city, added.Key, in); err != nil {
			t.Fatal(err)
		}

		// a division renamed: the path and the children's names
		name := map[bool]string{false: "天河区（改）", true: "天河区（再改）"}[cached]
		if _, err := w.db.Write.ExecContext(w.ctx, `UPDATE divisions SET name = $1 WHERE code = $2`, name, tianheCode); err != nil {
			t.Fatal(err)
		}
		d, err := other.Dashboard(w.ctx, w.city, tianheCode, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Unit.Name != name || d.Path[len(d.Path)-1].Name != name {
			t.Errorf("cached %v: the other replica's unit after the rename: %q, path %v", cached, d.Unit.Name, d.Path)
		}
		cd, err := other.Dashboard(w.ctx, w.city, cityCode, "")
		if err != nil {
			t.Fatal(err)
		}
		seen := false
		for _, c := range cd.Children {
			seen = seen || (c.Code == tianheCode && c.Name == name)
		}
		if !seen {
			t.Errorf("cached %v: the city's children after the rename do not name %s %q", cached, tianheCode, name)
		}
	}
	// and what a replica answers from its kept frames is what a replica
	// that keeps none answers
	other := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
	other.NoCache(true)
	for _, unit := range []string{cityCode, tianheCode} {
		if _, err := other.Dashboard(w.ctx, w.city, unit, ""); err != nil {
			t.Fatal(err)
		}
	}
	inds, err := w.kpi.List(w.ctx, w.city, cityCode, false)
	if err != nil {
		t.Fatal(err)
	}
	in := InputOf(inds[len(inds)-1])
	in.Target /= 2
	if _, err := w.kpi.Update(w.ctx, w.city, in.Key, in); err != nil {
		t.Fatal(err)
	}
	for _, unit := range []string{cityCode, tianheCode} {
		fresh := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		fresh.NoCache(true)
		var got [2]string
		for i, s := range []*Service{other, fresh} {
			b, err := s.DashboardJSON(w.ctx, w.city, unit, "", "")
			if err != nil {
				t.Fatal(err)
			}
			got[i] = string(b)
		}
		if got[0] != got[1] {
			t.Errorf("%s: the dashboard from a kept frame differs from a new replica's:\n%s\n%s", unit, got[0], got[1])
		}
	}
}
