package kpi

import (
	"testing"

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
