package kpi

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"linli/internal/hub"
	"linli/internal/platform/clock"
	"linli/internal/registry"
)

// Late entries (补录) in 天河 leave 从化's dashboard as it was, evaluated
// without the cache: 从化's late organizations are only its own
// (enteredLate is the unit's), so its corrections are skipped as before.
// In 天河 and in the city the dashboard, its corrections included, is the
// records' answer (the records' path counts every organization from the
// history, without the rollup or the late list), and 天河's corrections are
// the independent count: a census's new organization (active since 2021,
// a hub since 2022, not known at all on the deadline) and an organization
// known on time whose hub flag was set, after the deadline, from a day
// before it, with a social worker entered late.
func TestLateEntriesElsewhereLeaveTheDashboard(t *testing.T) {
	w := newWorld(t)
	w.kpi.NoCache(true)
	w.indicators(allOrgs)
	w.clock.set("2023-06-01")
	hubC := w.org("440117001001", registry.TierStreet) // 从化, a hub with a social worker
	w.change(hubC.ID, func(in *registry.Input) { in.Hub = true })
	w.worker(hubC.ID, "2023-06-01")
	w.org("440117002002", registry.TierStreet)
	known := w.org("440106001001", registry.TierStreet) // 天河, on time
	w.org("440106001002", registry.TierCommunity)

	w.clock.set("2024-03-10")
	dash := func(unit string) string {
		t.Helper()
		d, err := w.kpi.Dashboard(w.ctx, w.city, unit, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		return string(b)
	}
	before := dash(conghuaCode)

	census := w.org("440106002008", registry.TierStreet)
	w.lateHistory(census.ID, "status", "active", "2021-10-01")
	w.change(census.ID, func(in *registry.Input) {
		in.Hub, in.EffectiveOn, in.LateReason = true, "2022-03-01", "普查补录"
	})
	w.change(known.ID, func(in *registry.Input) {
		in.Hub, in.EffectiveOn, in.LateReason = true, "2023-11-01", "枢纽认定补录"
	})
	hubs := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	if _, err := hubs.AddWorker(w.ctx, w.city, known.ID, hub.WorkerInput{Name: "王社工", Kind: "full_time", Qualified: true,
		StartedOn: "2023-11-15", LateReason: "纸质台账补录"}); err != nil {
		t.Fatal(err)
	}

	if after := dash(conghuaCode); after != before {
		t.Errorf("从化's dashboard changed with 天河's late entries:\nbefore %s\nafter  %s", before, after)
	}
	dl, err := time.ParseInLocation(time.DateOnly, "2023-12-31", clock.China)
	if err != nil {
		t.Fatal(err)
	}
	then := whenOf(dl, w.clock.Now())
	then.Known, then.KnownCut = "2023-12-31", then.Cut
	for _, c := range []struct {
		unit       string
		ids, known []int64
	}{{conghuaCode, nil, nil}, {tianheCode, []int64{known.ID, census.ID}, []int64{known.ID}}, {cityCode, []int64{known.ID, census.ID}, []int64{known.ID}}} {
		l, err := w.kpi.newEvaluator().enteredLate(w.ctx, then, c.unit)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(c.ids)
		if !slices.Equal(l.ids, c.ids) || !slices.Equal(l.known, c.known) {
			t.Errorf("entered late under %s: %v (known then %v), want %v (%v)", c.unit, l.ids, l.known, c.ids, c.known)
		}
	}

	// both ways of finding them, and the choice by the counts, agree with
	// the records: the census's and the hub's entries in 天河, none in 从化
	if walked, probed := lateWaysAgree(t, w, []string{cityCode, tianheCode, conghuaCode, "440106001", "440106002008", jiekou},
		[][2]string{{"2023-12-31", "2023-12-31"}, {"2022-06-30", "2023-12-31"}, {"2021-12-31", "2022-01-01"}}); walked == 0 || probed == 0 {
		t.Errorf("the choice by the counts walked %d times and probed %d: the fixture should make it do both", walked, probed)
	}

	var streets int
	if err := w.db.Read.QueryRowContext(w.ctx, `SELECT COUNT(*) FROM divisions WHERE level = 4 AND code >= '440106' AND code < '440107'
		AND substr(code, 7, 3) < '400'`).Scan(&streets); err != nil {
		t.Fatal(err)
	}
	// 天河 on the deadline, known then: two organizations, no hub; now: the
	// census's third, hubs in two of its streets (岳洲's 五山 and 沙河), one of
	// the two with a social worker
	r := w.eval(w.city, "all_orgs", tianheCode, "")
	if c := r.Correction; c == nil || !near(c.Was, 2) || !near(c.Now, 3) || c.Month != "2024-03" {
		t.Errorf("天河 all_orgs correction %+v, want 2→3 in 2024-03", c)
	}
	r = w.eval(w.city, "hub_coverage", tianheCode, "")
	if c := r.Correction; c == nil || !near(c.Was, 0) || !near(c.Now, 2/float64(streets)) {
		t.Errorf("天河 hub_coverage correction %+v, want 0→2/%d", c, streets)
	}
	correctionCheckAt(t, w, tianheCode)("天河", map[string]string{"hub_social_workers": "none"})
	correctionCheckAt(t, w, cityCode)("the city", nil)
	correctionCheck(t, w)("从化", map[string]string{"hub_coverage": "none", "hub_social_workers": "none", "all_orgs": "none"})
}
