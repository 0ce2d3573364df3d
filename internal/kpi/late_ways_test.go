package kpi

import (
	"database/sql"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"linli/internal/platform/clock"
)

// lateWaysAgree checks that enteredLate's two ways, walking the late
// entries (lateWalk) and probing the unit's organizations (lateProbe), and
// the choice between them by the counts (lateByCount, which enteredLate
// takes), find the same late-entered organizations, known then, with the
// same timelines, at each unit on each (date, known day), and that these
// are the records' answer worked out here from every history row (no
// index, no bound). The choice is checked against the counts worked out
// here too: it walks exactly when the late entries made from the known day
// on (anywhere) are fewer than the unit's active organizations plus one.
// It reports how often the choice walked and how often it probed.
func lateWaysAgree(t *testing.T, w *world, units []string, dates [][2]string) (walked, probed int) {
	t.Helper()
	type hist struct {
		org             int64
		field, val, old string
		at              time.Time
		entered         sql.NullTime
	}
	rows, err := w.db.Read.QueryContext(w.ctx, `SELECT org_id, field, value, old_value, at, entered_at FROM org_history`)
	if err != nil {
		t.Fatal(err)
	}
	var hs []hist
	for rows.Next() {
		var h hist
		if err := rows.Scan(&h.org, &h.field, &h.val, &h.old, &h.at, &h.entered); err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	rows.Close()
	streets, comms, active := map[int64]string{}, map[int64]string{}, map[int64]bool{}
	rows, err = w.db.Read.QueryContext(w.ctx, `SELECT id, street_code, community_code, status FROM orgs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var st, c, status string
		if err := rows.Scan(&id, &st, &c, &status); err != nil {
			t.Fatal(err)
		}
		streets[id], comms[id], active[id] = st, c, status == "active"
	}
	rows.Close()
	for _, d := range dates {
		day, err := time.ParseInLocation(time.DateOnly, d[0], clock.China)
		if err != nil {
			t.Fatal(err)
		}
		kd, err := time.ParseInLocation(time.DateOnly, d[1], clock.China)
		if err != nil {
			t.Fatal(err)
		}
		wh := whenOf(day, w.clock.Now())
		wh.Known, wh.KnownCut = d[1], kd.AddDate(0, 0, 1)
		for _, unit := range units {
			// the records' answer
			in := func(id int64) bool {
				here := comms[id]
				if len(unit) < 12 {
					here = streets[id]
				}
				if strings.HasPrefix(here, unit) {
					return true
				}
				for _, h := range hs {
					if h.org == id && h.field == "community" && (strings.HasPrefix(h.val, unit) || strings.HasPrefix(h.old, unit)) {
						return true
					}
				}
				return false
			}
			var ids, known []int64
			for _, h := range hs {
				if h.entered.Valid && h.entered.Time.After(h.at) && !h.entered.Time.Before(wh.KnownCut) && h.at.Before(wh.Cut) && in(h.org) &&
					!slices.Contains(ids, h.org) {
					ids = append(ids, h.org)
				}
			}
			for _, id := range ids {
				for _, h := range hs {
					entered := h.at
					if h.entered.Valid {
						entered = h.entered.Time
					}
					if h.org == id && h.field == "status" && h.at.Before(wh.Cut) && entered.Before(wh.KnownCut) {
						known = append(known, id)
						break
					}
				}
			}
			slices.Sort(ids)
			slices.Sort(known)
			// the choice's counts: the late entries made from the known day
			// on, anywhere, and the unit's active organizations
			entries, orgs := 0, 0
			for _, h := range hs {
				if h.entered.Valid && h.entered.Time.After(h.at) && !h.entered.Time.Before(wh.KnownCut) {
					entries++
				}
			}
			for id, c := range comms {
				if len(unit) < 12 {
					c = streets[id]
				}
				if active[id] && strings.HasPrefix(c, unit) {
					orgs++
				}
			}
			want := lateWalk
			if entries >= orgs+1 {
				want = lateProbe
			}
			var got [3]*lateOrgs
			for i, how := range []lateHow{lateWalk, lateProbe, lateByCount} {
				var took lateHow
				if got[i], took, err = w.kpi.lateOrgsBy(w.ctx, wh, unit, how); err != nil {
					t.Fatal(err)
				}
				if how == lateByCount {
					if took != want {
						t.Errorf("late under %s on %s known %s: the choice took way %d with %d late entries and %d organizations, want %d",
							unit, d[0], d[1], took, entries, orgs, want)
					}
					if took == lateWalk {
						walked++
					} else {
						probed++
					}
				} else if took != how {
					t.Errorf("late under %s: way %d took %d", unit, how, took)
				}
			}
			chosen, err := w.kpi.enteredLate(w.ctx, wh, unit)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range []*lateOrgs{got[0], got[1], chosen} {
				if !slices.Equal(l.ids, ids) || !slices.Equal(l.known, known) {
					t.Errorf("late under %s on %s known %s, way %d: %v (known then %v), records %v (%v)", unit, d[0], d[1], i, l.ids, l.known, ids, known)
				}
				if !reflect.DeepEqual(l, got[1]) {
					t.Errorf("late under %s on %s known %s: way %d %+v, the probe %+v", unit, d[0], d[1], i, l, got[1])
				}
			}
		}
	}
	return walked, probed
}
