package kpi

import (
	"math/rand/v2"
	"strings"
	"testing"

	"linli/internal/geo"
	"linli/internal/registry"
)

// partsPlaces are two communities of each of several districts of the
// test city, and a village.
func partsPlaces(w *world) []string {
	w.t.Helper()
	out := []string{"440117103201"}
	for _, d := range []string{"440106", "440117", "440103", "440111", "440112"} {
		rows, err := w.db.Read.QueryContext(w.ctx, `SELECT code FROM divisions WHERE code > $1 AND code < $2 AND length(code) = 12
			ORDER BY code LIMIT 2`, d, d+"999999")
		if err != nil {
			w.t.Fatal(err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				w.t.Fatal(err)
			}
			out = append(out, c)
		}
		if err := rows.Close(); err != nil {
			w.t.Fatal(err)
		}
	}
	if len(out) < 9 {
		w.t.Fatalf("places: %v", out)
	}
	return out
}

// TestComposedDashboardsAreTheRecords holds a city's evaluations composed
// from its districts' kept parts (parts.go) to the records: for several
// random sequences of changes, each in one district (a new organization, a
// status change, a hub set from a day before the deadline with its late
// reason, a move to another district, a pilot designated, a base opened),
// written through the registry and the indicators' services, the city's and
// 天河's dashboards, today and on a past date, of the service that wrote and
// of a second service on the same database (a replica, which kept its parts
// of the previous answers) equal, byte for byte, those of a fresh service
// that evaluates everything from the records. It fails if a kept part
// ignores its district's version: a change in one district would leave the
// city's answer as it was.
func TestComposedDashboardsAreTheRecords(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		w := newWorld(t)
		rng := rand.New(rand.NewPCG(seed, 19))
		other := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
		places := partsPlaces(w)
		w.clock.set("2023-06-01")
		var orgs []*registry.Org
		for _, c := range places[:5] {
			orgs = append(orgs, w.org(c, registry.TierStreet))
		}
		w.clock.set("2024-03-10")
		check := func(step string) {
			t.Helper()
			fresh := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
			fresh.NoCache(true)
			for _, unit := range []string{cityCode, tianheCode} {
				for _, asOf := range []string{"", "2023-12-31"} {
					want, err := fresh.DashboardJSON(w.ctx, w.city, unit, asOf, "")
					if err != nil {
						t.Fatal(err)
					}
					for i, s := range []*Service{w.kpi, other} {
						got, err := s.DashboardJSON(w.ctx, w.city, unit, asOf, "")
						if err != nil {
							t.Fatal(err)
						}
						if string(got) != string(want) {
							t.Fatalf("seed %d, %s: service %d's dashboard of %s on %q differs from the records':\n%s\nwant\n%s",
								seed, step, i, unit, asOf, got, want)
						}
					}
				}
			}
		}
		check("start")
		// a change the registry refuses (a suspended organization made a
		// hub) is named in the step and changes nothing
		change := func(id int64, fn func(in *registry.Input)) string {
			o, err := w.reg.Get(w.ctx, w.city, id)
			if err != nil {
				t.Fatal(err)
			}
			in := registry.InputOf(o)
			fn(&in)
			if _, err := w.reg.Update(w.ctx, w.city, id, in); err != nil {
				return " (refused: " + err.Error() + ")"
			}
			return ""
		}
		for step := range 8 {
			place := places[rng.IntN(len(places))]
			var what string
			switch rng.IntN(6) {
			case 0:
				what = "new organization in " + place
				orgs = append(orgs, w.org(place, []string{registry.TierStreet, registry.TierCommunity}[rng.IntN(2)]))
			case 1:
				o := orgs[rng.IntN(len(orgs))]
				what = "hub set late on " + o.CommunityCode + change(o.ID, func(in *registry.Input) {
					in.Hub, in.EffectiveOn, in.LateReason = !in.Hub, "2023-11-01", "枢纽认定补录"
				})
			case 2:
				o := orgs[rng.IntN(len(orgs))]
				what = "moved from " + o.CommunityCode + " to " + place + change(o.ID, func(in *registry.Input) { in.CommunityCode = place })
				o.CommunityCode = place
			case 3:
				o := orgs[rng.IntN(len(orgs))]
				what = "suspended in " + o.CommunityCode
				if _, err := w.reg.Transition(w.ctx, w.city, o.ID, registry.ActSuspend, "停止活动"); err != nil {
					what = "suspend refused: " + err.Error()
				}
			case 4:
				what = "pilot in " + place
				if _, err := w.kpi.Designate(w.ctx, w.city, PilotInput{CommunityCode: place, DesignatedOn: "2023-10-0" + itoa(1+step)}); err != nil {
					what = "pilot refused: " + err.Error()
				}
			default:
				what = "base in " + place[:6]
				w.base("基地"+itoa(int(seed))+itoa(step), place[:6], "", "2024-03-10", "")
			}
			check(itoa(step) + ": " + what)
		}
	}
}

// TestOneDistrictsChangeReadsOneDistrict: after a change in one district,
// the city's dashboard reads only that district's parts from the records
// (every other district's and gap's are kept), in as many statements as a
// dashboard evaluated whole (TestStatementsPerDashboard's 6) and its
// version: the districts' counters, one statement that also gives every
// part's version.
func TestOneDistrictsChangeReadsOneDistrict(t *testing.T) {
	w := newWorld(t)
	w.tripsRecords()
	// (once before: on PostgreSQL each connection prepares a statement's
	// text the first time, and the reads of 天河's parts alone are new
	// texts)
	for range 2 {
		if _, err := w.kpi.Dashboard(w.ctx, w.city, cityCode, ""); err != nil {
			t.Fatal(err)
		}
		w.org("440106001001", registry.TierCommunity) // a change in 天河
	}
	// what the next dashboard will read from the records: 天河's parts only
	f, err := w.kpi.frameAt(w.ctx, cityCode)
	if err != nil {
		t.Fatal(err)
	}
	e := w.kpi.newEvaluator()
	f.hold(e)
	node := geo.Node{Code: cityCode}
	wh, err := w.kpi.parseWhen(w.ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	for _, ind := range listed(f.inds, w.city, cityCode, false) {
		spans, g, ok := reach(ind, node)
		if !ok {
			continue
		}
		stale, err := e.staleParts(w.ctx, ind, node, wh, spans, g)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range stale {
			for _, s := range sp {
				read++
				if !strings.HasPrefix(s.lo, tianheCode) {
					t.Errorf("%s: part %s–%s read again after a change in 天河 only", ind.Key, s.lo, s.hi)
				}
			}
		}
	}
	if read == 0 {
		t.Error("no part of 天河 read again after a change there")
	}
	before := w.db.RoundTrips()
	if _, err := w.kpi.Dashboard(w.ctx, w.city, cityCode, ""); err != nil {
		t.Fatal(err)
	}
	if got := w.db.RoundTrips() - before; got != 7 {
		t.Errorf("city dashboard after a change in one district: %d round trips, want 7", got)
	}
}
