package kpi

import (
	"encoding/json"
	"testing"

	"linli/internal/hub"
	"linli/internal/orgroll"
	"linli/internal/registry"
)

// The hubs' record shares of social workers read their numerator from the
// dated rollup (orgroll.DimWorkers, rollNums), which the hub service moves
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
	for _, in := range []Input{
		{Key: "two_workers", NameZH: "两名社工", Level: LevelDistrict, ScopeCode: cityCode,
			Rule:   Rule{Kind: KindRecordShare, Source: SourceHubs, Filter: Filter{Hub: &yes}, NumeratorFilter: &Filter{MinWorkers: 2}},
			Target: 1, Deadline: "2023-12-31"},
		{Key: "qualified_village", NameZH: "村枢纽持证社工", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindRecordShare, Source: SourceHubs, Filter: Filter{Hub: &yes, Rural: &yes},
				NumeratorFilter: &Filter{MinWorkers: 1, QualifiedWorkers: true}},
			Target: 1, Deadline: "2023-12-31"},
	} {
		if _, err := w.kpi.Create(w.ctx, w.city, in); err != nil {
			t.Fatal(err)
		}
	}
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
	keys := []string{"hub_social_workers", "two_workers", "qualified_village"}
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
}

// rollWorkers is the rollup's count of hubs with a social worker in a
// district on a day.
func rollWorkers(t *testing.T, w *world, district, day string) int {
	t.Helper()
	lo, hi := spanOf(district).lo, spanOf(district).hi
	m, err := orgroll.Read(w.ctx, w.db.Read, 3, []string{orgroll.DimWorkers}, lo, hi, day)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range m {
		n += c.N
	}
	return n
}
