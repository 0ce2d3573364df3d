package kpi

import (
	"encoding/json"
	"strconv"
	"testing"

	"linli/internal/hub"
	"linli/internal/incubation"
	"linli/internal/registry"
)

// loadFact is one organization of the district's paper records: the day it
// became active, a hub and a brand ("" for never).
type loadFact struct {
	community, active, hub, brand string
	worker                        string // a hub's social worker started
}

// A district that starts on linli on 2024-03-10 types in its 2021–2023
// history with effective dates. Every indicator at the end of each year
// equals an independent count of those facts; known_on the day before the
// load answers what linli said then (nothing for 从化); every record behind
// a number is counted as a late entry.
func TestDistrictLoadsItsHistory(t *testing.T) {
	w := newWorld(t)
	facts := []loadFact{
		{"440117001001", "2021-10-01", "2021-11-01", "2022-06-01", "2022-01-10"},
		{"440117002002", "2021-12-01", "2022-08-01", "", ""},
		{"440117103002", "2022-02-01", "", "2023-03-01", ""},
		{"440117001001", "2021-09-20", "2023-07-01", "2023-05-01", "2023-08-01"},
		{"440117104001", "2023-02-01", "", "2023-10-01", ""},
	}
	type point struct {
		year     int
		org      int // index into facts
		approved string
	}
	pts := []point{{2022, 0, "2022-05-01"}, {2023, 2, "2023-04-01"}, {2023, 4, "2023-11-20"}}
	baseOpened, pilotOn := "2022-09-01", "2022-01-10"

	// linli has been in use elsewhere (天河) since 2023
	w.clock.set("2023-06-01")
	w.org("440106001001", registry.TierStreet)
	w.clock.set("2024-03-10")
	ids := make([]int64, len(facts))
	hubs := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	for i, f := range facts {
		o := w.org(f.community, registry.TierStreet)
		ids[i] = o.ID
		w.lateHistory(o.ID, "status", "active", f.active)
		if f.hub != "" {
			w.change(o.ID, func(in *registry.Input) { in.Hub = true })
			w.lateHistory(o.ID, "hub", "1", f.hub)
		}
		if f.brand != "" {
			w.lateHistory(o.ID, "brand", "1", f.brand)
		}
		if f.worker != "" {
			if _, err := hubs.AddWorker(w.ctx, w.city, o.ID, hub.WorkerInput{Name: "社工" + strconv.Itoa(i), Kind: "part_time",
				StartedOn: f.worker, LateReason: "纸质台账补录"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range pts {
		w.point(conghuaCode, p.year, ids[p.org], p.approved)
	}
	inc := &incubation.Service{DB: w.db, Geo: w.geo, Orgs: w.reg, Now: w.clock.Now}
	if _, err := inc.Create(w.ctx, w.city, incubation.BaseInput{Name: "从化区社会组织孵化基地", HostType: "party_mass_center",
		DivisionCode: conghuaCode, OpenedOn: baseOpened, LateReason: "纸质台账补录"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.kpi.Designate(w.ctx, w.city, PilotInput{CommunityCode: "440117103201", DesignatedOn: pilotOn,
		LateReason: "纸质台账补录"}); err != nil {
		t.Fatal(err)
	}

	on := func(day, d string) bool { return day != "" && day <= d }
	for _, d := range []string{"2021-12-31", "2022-12-31", "2023-12-31"} {
		// the independent count, from the facts
		streets := map[string]bool{}
		var brands, hubN, staffed int
		for _, f := range facts {
			if !on(f.active, d) {
				continue
			}
			if on(f.hub, d) {
				streets[f.community[:9]] = true
				hubN++
				if on(f.worker, d) {
					staffed++
				}
			}
			if on(f.brand, d) {
				brands++
			}
		}
		year := min(max(atoi(d[:4]), 2022), 2023)
		var points int
		for _, p := range pts {
			if p.year == year && on(p.approved, d) {
				points++
			}
		}
		b2f := func(b bool) float64 {
			if b {
				return 1
			}
			return 0
		}
		want := map[string]struct {
			value *float64
			late  int
		}{
			"hub_coverage":         {ptr(float64(len(streets)) / 8), hubN},
			"brand_orgs":           {ptr(float64(brands)), brands},
			"demonstration_points": {ptr(float64(points)), -1},
			"incubation_coverage":  {ptr(b2f(on(baseOpened, d))), int(b2f(on(baseOpened, d)))},
			"rural_pilots":         {ptr(b2f(on(pilotOn, d))), int(b2f(on(pilotOn, d)))},
			"hub_social_workers":   {nil, hubN},
			// the district loaded no brand projects and ran no trainings
			"brand_projects":    {ptr(0.0), 0},
			"training_per_year": {ptr(0.0), 0},
		}
		if hubN > 0 {
			want["hub_social_workers"] = struct {
				value *float64
				late  int
			}{ptr(float64(staffed) / float64(hubN)), hubN}
		}
		for key, wv := range want {
			r, err := w.kpi.EvaluateKnown(w.ctx, w.city, key, conghuaCode, d, "")
			if err != nil {
				t.Fatal(err)
			}
			if (wv.value == nil) != (r.Value == nil) || (wv.value != nil && !near(r.Value, *wv.value)) {
				t.Errorf("%s on %s: %v, want %v", key, d, fmtp(r.Value), fmtp(wv.value))
			}
			if wv.late >= 0 && r.LateEntries != wv.late {
				t.Errorf("%s on %s: %d late entries, want %d", key, d, r.LateEntries, wv.late)
			}
			// what linli said the day before the load: nothing in 从化
			old, err := w.kpi.EvaluateKnown(w.ctx, w.city, key, conghuaCode, d, "2024-03-09")
			if err != nil {
				t.Fatal(err)
			}
			if old.Value != nil && *old.Value != 0 || old.LateEntries != 0 {
				t.Errorf("%s on %s known on 2024-03-09: %v (%d late), want nothing", key, d, fmtp(old.Value), old.LateEntries)
			}
		}
	}
	// the rollups (a count, a unit share, the hubs with social workers;
	// known on the date or later: the rollup corrected for the late
	// entries made after that day) answer as the records do, at the
	// district and the city, the units behind each number and the
	// corrections at the deadlines included
	w.clock.set("2024-05-01")
	w.change(ids[1], func(in *registry.Input) {
		in.Hub, in.EffectiveOn, in.LateReason = false, "2024-04-01", "撤销枢纽补录"
	})
	inds, err := w.kpi.List(w.ctx, w.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(records bool, key, unit, asOf, knownOn string) string {
		w.kpi.FromRecords(records)
		defer w.kpi.FromRecords(false)
		r, err := w.kpi.EvaluateKnown(w.ctx, w.city, key, unit, asOf, knownOn)
		if err != nil {
			return err.Error() // (known before any data: the same refusal)
		}
		b, _ := json.Marshal(r)
		return string(b)
	}
	for _, ind := range inds {
		for _, unit := range []string{conghuaCode, cityCode, "440117001"} {
			// (past dates: the fixture writes history around the registry,
			// so today's columns do not say what the history says)
			for _, d := range []string{"2021-12-31", "2022-12-31", "2023-12-31", "2024-04-15"} {
				for _, known := range []string{"", d, "2024-03-09", "2024-03-10", "2024-04-30", "2024-05-01"} {
					if known != "" && known < d {
						continue
					}
					roll, rec := answer(false, ind.Key, unit, d, known), answer(true, ind.Key, unit, d, known)
					if roll != rec {
						t.Errorf("%s at %s on %q known on %q:\nrollup  %s\nrecords %s", ind.Key, unit, d, known, roll, rec)
					}
				}
			}
		}
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
