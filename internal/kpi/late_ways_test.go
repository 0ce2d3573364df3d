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
// the choice between them by the counts (lateByCount, with its fallback to
// the probe), find the same late-entered organizations, known then, with
// the same timelines, at each unit on each (date, known day), and that
// these are the records' answer worked out here from every history row
// (no index, no bound). It reports how often the counted choice walked and
// how often it fell back to the probe.
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
	streets, comms := map[int64]string{}, map[int64]string{}
	rows, err = w.db.Read.QueryContext(w.ctx, `SELECT id, street_code, community_code FROM orgs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var st, c string
		if err := rows.Scan(&id, &st, &c); err != nil {
			t.Fatal(err)
		}
		streets[id], comms[id] = st, c
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
			var got [3]*lateOrgs
			for i, how := range []lateHow{lateWalk, lateProbe, lateByCount} {
				if got[i], err = w.kpi.lateOrgsBy(w.ctx, wh, unit, how); err != nil {
					t.Fatal(err)
				}
			}
			if got[2] == nil {
				probed++
			} else {
				walked++
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
