package kpi

import (
	"encoding/json"
	"fmt"
	"testing"

	"linli/internal/hub"
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
	for _, in := range []Input{
		{Key: "all_orgs", NameZH: "组织数", Level: LevelDistrict, ScopeCode: cityCode, Rule: Rule{Kind: KindCount, Source: SourceOrgs},
			Target: 1, Deadline: "2023-12-31"},
		{Key: "village_orgs", NameZH: "村组织数", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindCount, Source: SourceOrgs, Filter: Filter{Rural: &yes}}, Target: 1, Deadline: "2023-12-31"},
	} {
		if _, err := w.kpi.Create(w.ctx, w.city, in); err != nil {
			t.Fatal(err)
		}
	}
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
	inds, err := w.kpi.List(w.ctx, w.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	answers := func() map[string]*Result {
		out := map[string]*Result{}
		for _, ind := range inds {
			var got [2]string
			for i, records := range []bool{false, true} {
				w.kpi.FromRecords(records)
				r, err := w.kpi.EvaluateKnown(w.ctx, w.city, ind.Key, conghuaCode, "", "")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(r)
				got[i] = string(b)
				if !records {
					out[ind.Key] = r
				}
			}
			w.kpi.FromRecords(false)
			if got[0] != got[1] {
				t.Errorf("%s:\nrollup  %s\nrecords %s", ind.Key, got[0], got[1])
			}
		}
		return out
	}
	corr := func(r *Result) string {
		if r.Correction == nil {
			return "none"
		}
		return fmt.Sprint(fmtp(r.Correction.Was), "→", fmtp(r.Correction.Now))
	}
	check := func(step string, want map[string]string) {
		t.Helper()
		got := answers()
		for key, c := range want {
			if corr(got[key]) != c {
				t.Errorf("%s: %s correction %s, want %s", step, key, corr(got[key]), c)
			}
		}
	}
	w.clock.set("2024-02-01")
	check("nothing late", map[string]string{"hub_coverage": "none", "hub_social_workers": "none", "brand_orgs": "none"})
	hubs := &hub.Service{DB: w.db, Reg: w.reg, Now: w.clock.Now}
	if _, err := hubs.AddWorker(w.ctx, w.city, hubOrg.ID, hub.WorkerInput{Name: "李社工", Kind: "full_time", Qualified: true,
		StartedOn: "2023-09-01", LateReason: "纸质台账补录"}); err != nil {
		t.Fatal(err)
	}
	check("a worker entered late", map[string]string{"hub_coverage": "none", "hub_social_workers": "0→1",
		"brand_orgs": "none"})
	w.clock.set("2024-03-01")
	w.change(other.ID, func(in *registry.Input) {
		in.Brand, in.EffectiveOn, in.LateReason = true, "2023-11-01", "品牌认定补录"
	})
	check("a brand entered late", map[string]string{"hub_coverage": "none", "hub_social_workers": "0→1",
		"brand_orgs": "0→1"})
}
