package kpi

import (
	"encoding/json"
	"fmt"
	"testing"

	"linli/internal/hub"
	"linli/internal/incubation"
	"linli/internal/orgroll"
	"linli/internal/registry"
)

// An organization that moved between districts (the registry's dated
// history field "community") counts, on a past date, where it was then:
// in 天河 before the move's effective date, in 从化 from it, whatever day the
// move was typed in. The rollup's answer, the records' answer and the list
// of records behind the number agree, for a count of every organization,
// a count of brand organizations and the share of streets with a hub.
func TestOrgsFollowMovesOnPastDates(t *testing.T) {
	w := newWorld(t)
	yes := true
	w.indicators(
		allOrgs,
		Input{Key: "village_orgs", NameZH: "村组织数", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindCount, Source: SourceOrgs, Filter: Filter{Rural: &yes}}, Target: 1, Deadline: "2023-12-31"},
	)
	w.clock.set("2022-01-10")
	mover := w.org("440106001001", registry.TierStreet) // 天河
	w.change(mover.ID, func(in *registry.Input) { in.Brand = true })
	w.org("440117103201", registry.TierStreet) // 从化, a village, stays
	w.clock.set("2022-09-20")
	w.change(mover.ID, func(in *registry.Input) {
		in.CommunityCode, in.EffectiveOn, in.LateReason = "440117103202", "2022-06-01", "迁入补录" // a village of 温泉镇
	})
	w.clock.set("2023-01-05")
	for _, c := range []struct {
		day                             string
		tianhe, conghua, brandT, brandC int
		villagesC                       int
	}{
		{"2022-03-01", 1, 1, 1, 0, 1},
		{"2022-05-31", 1, 1, 1, 0, 1},
		{"2022-06-01", 0, 2, 0, 1, 2},
		{"2022-12-31", 0, 2, 0, 1, 2},
		{"", 0, 2, 0, 1, 2},
	} {
		for _, records := range []bool{false, true} {
			w.kpi.FromRecords(records)
			for _, x := range []struct {
				key, unit string
				want      int
			}{{"all_orgs", tianheCode, c.tianhe}, {"all_orgs", conghuaCode, c.conghua}, {"brand_orgs", tianheCode, c.brandT},
				{"brand_orgs", conghuaCode, c.brandC}, {"village_orgs", conghuaCode, c.villagesC}, {"village_orgs", tianheCode, 0}} {
				r := w.eval(w.city, x.key, x.unit, c.day)
				if r.Value == nil || int(*r.Value) != x.want {
					t.Errorf("%s at %s on %q (records %v): %v, want %d", x.key, x.unit, c.day, records, r.Value, x.want)
				}
				page, err := w.kpi.Records(w.ctx, w.city, x.key, x.unit, c.day, "", 0, 1, 50)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != x.want || len(page.Items) != x.want {
					t.Errorf("%s at %s on %q: %d records listed, want %d", x.key, x.unit, c.day, page.Total, x.want)
				}
			}
		}
	}
	w.kpi.FromRecords(false)
	// the move was entered late: it counts as a late entry where it counts
	if r := w.eval(w.city, "all_orgs", conghuaCode, "2022-12-31"); r.LateEntries != 1 {
		t.Errorf("late entries in 从化 after the move: %d, want 1", r.LateEntries)
	}
}

// A correction at a deadline is skipped without evaluating when nothing
// was entered late since (knownSame), and made when something was: a
// hub's worker started before the deadline and entered after it, then an
// organization's brand flag set, after the deadline, from a day before
// it. At each step every indicator's answer, its correction included,
// is the records' answer, and the corrections are the independent count's.
func TestCorrectionSkippedOnlyWithoutLateEntries(t *testing.T) {
	w := newWorld(t)
	w.clock.set("2023-06-01")
	hubOrg := w.org("440117001001", registry.TierStreet)
	w.change(hubOrg.ID, func(in *registry.Input) { in.Hub = true })
	other := w.org("440117002002", registry.TierStreet)
	check := correctionCheck(t, w)
	w.clock.set("2024-02-01")
	check("nothing late", map[string]string{"hub_coverage": "none", "hub_social_workers": "none", "brand_orgs": "none"})
	hubs := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	if _, err := hubs.AddWorker(w.ctx, w.city, hubOrg.ID, hub.WorkerInput{Name: "李社工", Kind: "full_time", Qualified: true,
		StartedOn: "2023-09-01", LateReason: "纸质台账补录"}); err != nil {
		t.Fatal(err)
	}
	// (the month is of the organizations' own entries: none here)
	check("a worker entered late", map[string]string{"hub_coverage": "none", "hub_social_workers": "0→1 ",
		"brand_orgs": "none"})
	w.clock.set("2024-03-01")
	w.change(other.ID, func(in *registry.Input) {
		in.Brand, in.EffectiveOn, in.LateReason = true, "2023-11-01", "品牌认定补录"
	})
	check("a brand entered late", map[string]string{"hub_coverage": "none", "hub_social_workers": "0→1 2024-03",
		"brand_orgs": "0→1 2024-03"})
}

// correctionCheck returns a check that every indicator's answer at 从化
// today, its correction included, is the records' answer (the records'
// path makes both of a correction's evaluations: see correction), and that
// the corrections named are as wanted (was→now, or none).
func correctionCheck(t *testing.T, w *world) func(step string, want map[string]string) {
	return correctionCheckAt(t, w, conghuaCode)
}

// correctionCheckAt is correctionCheck at a unit.
func correctionCheckAt(t *testing.T, w *world, unit string) func(step string, want map[string]string) {
	inds, err := w.kpi.List(w.ctx, w.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	return func(step string, want map[string]string) {
		t.Helper()
		got := map[string]*Result{}
		for _, ind := range inds {
			var js [2]string
			for i, records := range []bool{false, true} {
				w.kpi.FromRecords(records)
				r, err := w.kpi.EvaluateKnown(w.ctx, w.city, ind.Key, unit, "", "")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(r)
				js[i] = string(b)
				if !records {
					got[ind.Key] = r
				}
			}
			w.kpi.FromRecords(false)
			if js[0] != js[1] {
				t.Errorf("%s: %s:\nrollup  %s\nrecords %s", step, ind.Key, js[0], js[1])
			}
		}
		// the dashboard (its corrections' entries read in one statement)
		// says the same, both ways
		var dash [2]string
		for i, records := range []bool{false, true} {
			w.kpi.FromRecords(records)
			d, err := w.kpi.Dashboard(w.ctx, w.city, unit, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range d.Results {
				on, _ := json.Marshal(r)
				alone, _ := json.Marshal(got[r.Key])
				if string(on) != string(alone) {
					t.Errorf("%s: %s on the dashboard (records %v):\n%s\nalone:\n%s", step, r.Key, records, on, alone)
				}
			}
			b, _ := json.Marshal(d.Results)
			dash[i] = string(b)
		}
		w.kpi.FromRecords(false)
		if dash[0] != dash[1] {
			t.Errorf("%s: dashboard:\nrollup  %s\nrecords %s", step, dash[0], dash[1])
		}
		for key, c := range want {
			r := got[key]
			s := "none"
			if r.Correction != nil {
				s = fmt.Sprint(fmtp(r.Correction.Was), "→", fmtp(r.Correction.Now), " ", r.Correction.Month)
			}
			if s != c {
				t.Errorf("%s: %s correction %s, want %s", step, key, s, c)
			}
		}
	}
}

// A base's closing typed after the deadline with a closing day before it
// is a correction at the deadline (the deadline's value as known then had
// the base open); the correction is found (lastEntryAfter) and equals the
// records' answer; before it, nothing is corrected.
func TestCorrectionOfALateClosing(t *testing.T) {
	w := newWorld(t)
	w.clock.set("2021-10-01")
	w.org("440117001001", registry.TierStreet)
	w.base("从化区孵化基地", conghuaCode, "", "2021-10-01", "")
	check := correctionCheck(t, w)
	w.clock.set("2022-02-01")
	check("open", map[string]string{"incubation_coverage": "none"})
	inc := &incubation.Service{DB: w.db, Geo: w.geo, Orgs: w.reg, Now: w.clock.Now}
	bases, err := inc.List(w.ctx, w.city, "")
	if err != nil || len(bases) != 1 {
		t.Fatalf("bases %v %v", bases, err)
	}
	w.clock.set("2022-03-15")
	in := incubation.InputOf(bases[0])
	in.ClosedOn, in.LateReason = "2021-12-15", "停办补录"
	if _, err := inc.Update(w.ctx, w.city, bases[0].ID, in); err != nil {
		t.Fatal(err)
	}
	check("closed late", map[string]string{"incubation_coverage": "1→0 2022-03"})
}

// The hubs' record shares of social workers read their numerator from the
// dated rollup (orgroll.WorkersDim, rollNums), which the hub service moves
// in its transaction. After every step (workers added, some dated back
// with a late reason, a worker's leaving dated back, a hub moved to
// another district by a late entry, a hub losing its flag, and, past the
// deadline, a hub's late-entered change that the corrections count from
// the records) each indicator's answer at every unit on every date, its
// correction included, is the records' answer (FromRecords: the hub
// workers counted per organization in SQL, not from the rollup), and a
// few are the counts worked out by hand.
func TestHubWorkersRollupIsExact(t *testing.T) {
	w := newWorld(t)
	yes := true
	w.indicators(
		Input{Key: "two_workers", NameZH: "两名社工", Level: LevelDistrict, ScopeCode: cityCode,
			Rule:   Rule{Kind: KindRecordShare, Source: SourceHubs, Filter: Filter{Hub: &yes}, NumeratorFilter: &Filter{MinWorkers: 2}},
			Target: 1, Deadline: "2023-12-31"},
		Input{Key: "two_qualified", NameZH: "两名持证社工", Level: LevelDistrict, ScopeCode: cityCode,
			Rule:   Rule{Kind: KindRecordShare, Source: SourceHubs, Filter: Filter{Hub: &yes}, NumeratorFilter: &Filter{MinWorkers: 2, QualifiedWorkers: true}},
			Target: 1, Deadline: "2023-12-31"},
		Input{Key: "qualified_village", NameZH: "村枢纽持证社工", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindRecordShare, Source: SourceHubs, Filter: Filter{Hub: &yes, Rural: &yes},
				NumeratorFilter: &Filter{MinWorkers: 1, QualifiedWorkers: true}},
			Target: 1, Deadline: "2023-12-31"},
	)
	hubs := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	add := func(hubID int64, started string, qualified bool, late string) int64 {
		t.Helper()
		wk, err := hubs.AddWorker(w.ctx, w.city, hubID, hub.WorkerInput{Name: "社工", Kind: "part_time", Qualified: qualified,
			StartedOn: started, LateReason: late})
		if err != nil {
			t.Fatal(err)
		}
		return wk.ID
	}
	keys := []string{"hub_social_workers", "two_workers", "two_qualified", "qualified_village"}
	units := []string{cityCode, tianheCode, conghuaCode, wenquan}
	days := []string{"2021-12-15", "2022-01-25", "2022-03-01", "2022-06-15", "2022-07-15", "2022-12-31", ""}
	same := func(step string) {
		t.Helper()
		for _, key := range keys {
			for _, unit := range units {
				for _, day := range days {
					var js [2]string
					for i, records := range []bool{false, true} {
						w.kpi.FromRecords(records)
						b, _ := json.Marshal(w.eval(w.city, key, unit, day))
						js[i] = string(b)
					}
					w.kpi.FromRecords(false)
					if js[0] != js[1] {
						t.Errorf("%s: %s at %s on %q:\nrollup  %s\nrecords %s", step, key, unit, day, js[0], js[1])
					}
				}
			}
		}
	}
	value := func(key, unit, day string, want float64) {
		t.Helper()
		if r := w.eval(w.city, key, unit, day); r.Value == nil || *r.Value != want {
			t.Errorf("%s at %s on %s: %v, want %v", key, unit, day, r.Value, want)
		}
	}
	w.clock.set("2022-01-10")
	a := w.org("440106001001", registry.TierStreet)     // 天河
	b := w.org("440117103201", registry.TierStreet)     // 从化, a village of 温泉镇
	plain := w.org("440117103201", registry.TierStreet) // never a hub
	for _, id := range []int64{a.ID, b.ID} {
		w.change(id, func(in *registry.Input) { in.Hub = true })
	}
	same("hubs without workers")
	w.clock.set("2022-02-01")
	a1 := add(a.ID, "2022-02-01", false, "")
	add(b.ID, "2022-01-20", true, "")
	same("a worker each")
	w.clock.set("2022-06-01")
	add(a.ID, "2021-12-01", true, "纸质台账补录") // before the hub was one: counted from its flag
	same("a worker dated back")
	value("two_workers", tianheCode, "2022-03-01", 1)
	value("two_qualified", tianheCode, "2022-03-01", 0) // two workers, one of them qualified
	w.clock.set("2022-09-01")
	if _, err := hubs.EndWorkerLate(w.ctx, w.city, a.ID, a1, "2022-05-31", "离职补录"); err != nil {
		t.Fatal(err)
	}
	same("a leaving dated back")
	value("two_workers", tianheCode, "2022-06-15", 0)
	value("two_workers", tianheCode, "2022-03-01", 1)
	w.clock.set("2022-10-01")
	w.change(a.ID, func(in *registry.Input) {
		in.CommunityCode, in.EffectiveOn, in.LateReason = "440117103202", "2022-07-01", "迁入补录"
	})
	same("a hub moved late")
	// a worker of the moved hub dated back into its days in 天河 moves
	// 天河's rollup: its change counter advances (the hub's district is now
	// 从化), so 天河's cached dashboard is made again
	w.kpi.FromRecords(false)
	cached := func() float64 {
		t.Helper()
		d, err := w.kpi.Dashboard(w.ctx, w.city, tianheCode, "2022-06-15")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range d.Results {
			if r.Key == "two_workers" && r.Value != nil {
				return *r.Value
			}
		}
		t.Fatal("two_workers not on 天河's dashboard")
		return 0
	}
	if v := cached(); v != 0 {
		t.Errorf("two_workers at 天河 on 2022-06-15: %v, want 0", v)
	}
	short := add(a.ID, "2022-06-10", false, "纸质台账补录")
	if _, err := hubs.EndWorkerLate(w.ctx, w.city, a.ID, short, "2022-06-30", "离职补录"); err != nil {
		t.Fatal(err)
	}
	if v := cached(); v != 1 {
		t.Errorf("two_workers at 天河 on 2022-06-15 after a worker dated back there, from the cache: %v, want 1", v)
	}
	same("a worker dated back into the hub's old district")
	w.clock.set("2022-11-01")
	w.change(b.ID, func(in *registry.Input) { in.Hub = false })
	w.change(plain.ID, func(in *registry.Input) { in.Brand = true })
	same("a hub's flag removed")
	w.clock.set("2023-01-05")
	value("hub_social_workers", conghuaCode, "2022-07-15", 1)      // a (moved in, its qualified worker) and b
	value("qualified_village", conghuaCode, "2022-06-15", 1)       // b alone: a was in 天河
	value("hub_social_workers", tianheCode, "2022-06-15", 1)       // a, its qualified worker
	value("two_workers", conghuaCode, "2022-07-15", 0)             // nobody has two any more
	if n := rollWorkers(t, w, conghuaCode, "2022-07-15"); n != 2 { // the rollup itself
		t.Errorf("hubs with workers in 从化 on 2022-07-15 by the rollup: %d, want 2", n)
	}
	if n := rollWorkers(t, w, conghuaCode, "2022-12-31"); n != 1 {
		t.Errorf("hubs with workers in 从化 on 2022-12-31 by the rollup: %d, want 1", n)
	}
	// past the deadline: a late change of the hub (a late organization,
	// counted from the records as known on the deadline) and no worker
	// entered late; then a worker started before the deadline entered after
	w.clock.set("2024-02-01")
	w.change(a.ID, func(in *registry.Input) {
		in.Tier, in.EffectiveOn, in.LateReason = registry.TierCommunity, "2023-06-01", "层级补录"
	})
	for _, unit := range []string{conghuaCode, tianheCode} {
		correctionCheckAt(t, w, unit)("a hub changed late", nil)
	}
	add(a.ID, "2023-09-01", false, "纸质台账补录")
	days = append(days, "2023-12-31")
	same("a worker entered after the deadline")
	correctionCheckAt(t, w, conghuaCode)("a worker entered after the deadline", map[string]string{"two_workers": "0→1 2024-02",
		"hub_social_workers": "none", "qualified_village": "none"})
	correctionCheckAt(t, w, tianheCode)("a worker entered after the deadline", map[string]string{"two_workers": "none"})
	// the hub moved by a late entry is late under both districts (the one
	// it left, the one it is in) on the days its move was not yet known
	if walked, probed := lateWaysAgree(t, w, []string{cityCode, tianheCode, conghuaCode, wenquan, "440117103202", "440106001001"},
		[][2]string{{"2023-12-31", "2023-12-31"}, {"2022-07-15", "2022-07-31"}, {"2022-06-15", "2022-06-15"}}); walked == 0 || probed == 0 {
		t.Errorf("the choice by the counts walked %d times and probed %d: the fixture should make it do both", walked, probed)
	}
}

// rollWorkers is the rollup's count of hubs with a social worker in a
// district on a day.
func rollWorkers(t *testing.T, w *world, district, day string) int {
	t.Helper()
	lo, hi := spanOf(district).lo, spanOf(district).hi
	m, err := orgroll.Read(w.ctx, w.db.Read, 3, []string{orgroll.WorkersDim(1, false)}, lo, hi, day)
	if err != nil {
		t.Fatal(err)
	}
	return orgroll.Sum(m)
}
