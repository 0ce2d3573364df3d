package kpi

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"linli/internal/registry"
)

// The dashboards whose unit_share rules read the units' histograms
// (orgroll hist.go, histReqs) say what the records say: after every change
// of a random sequence (a new organization, a hub or brand flag set from a
// past day and entered late, a move to a community of another district, a
// suspension, a census imported late), the city's and two districts'
// dashboards, today, on the plan's deadline and on a day of 2022, of a
// service evaluating on each request (histograms) and of one with its
// caches on, equal byte for byte those of a service counting from the
// records; and, after each dashboard, the Units page of the cached
// service (whose cache holds the histograms' evaluations, made without
// the judged units) lists the units the records list.
func TestHistogramDashboardsAreTheRecords(t *testing.T) {
	w := newWorld(t)
	yes := true
	w.indicators(
		Input{Key: "comms_two_orgs", NameZH: "有两个组织的社区", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindUnitShare, Source: SourceOrgs, UnitLevel: LevelCommunity, MinCount: 2}, Target: 0.5, Deadline: "2023-12-31"},
		Input{Key: "streets_brand", NameZH: "有品牌组织的街道", Level: LevelCity, ScopeCode: cityCode,
			Rule: Rule{Kind: KindUnitShare, Source: SourceOrgs, UnitLevel: LevelStreet, MinCount: 1, Filter: Filter{Brand: &yes}}, Target: 0.3, Deadline: "2023-12-31"},
		Input{Key: "streets_three_orgs", NameZH: "有三个组织的街道", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindUnitShare, Source: SourceOrgs, UnitLevel: LevelStreet, MinCount: 3}, Target: 0.3, Deadline: "2022-12-31"},
		Input{Key: "comms_marked", NameZH: "有志愿服务组织的社区", Level: LevelDistrict, ScopeCode: cityCode,
			Rule: Rule{Kind: KindUnitShare, Source: SourceOrgs, UnitLevel: LevelCommunity, MinCount: 1, Filter: Filter{VolunteerMark: &yes}}, Target: 0.2, Deadline: "2023-12-31"},
	)
	var comms []string
	for _, street := range []string{jiekou, wenquan, jiangpu, "440106001", "440106002"} {
		cs, err := w.geo.Children(w.ctx, street)
		if err != nil || len(cs) == 0 {
			t.Fatalf("communities of %s: %v", street, err)
		}
		for i, c := range cs {
			if i < 4 {
				comms = append(comms, c.Code)
			}
		}
	}
	cached := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
	records := &Service{DB: w.db, Geo: w.geo, Now: w.clock.Now}
	records.FromRecords(true)
	records.NoCache(true)
	w.kpi.NoCache(true)
	// the path is the histograms' at the city and at a district for the
	// communities (not for the streets of a district: their children)
	inds, err := w.kpi.List(w.ctx, w.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	e := w.kpi.newEvaluator()
	for _, x := range []struct {
		key, unit string
		want      bool
	}{{"hub_coverage", cityCode, true}, {"comms_two_orgs", cityCode, true}, {"comms_two_orgs", conghuaCode, true},
		{"streets_brand", cityCode, true}, {"hub_coverage", conghuaCode, false}, {"comms_marked", jiekou, false}} {
		e.unit = x.unit
		node, err := w.geo.Get(w.ctx, x.unit)
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range inds {
			if ind.Key == x.key {
				if _, ok := e.histReqs(ind, *node, whenOf(time.Now(), time.Now())); ok != x.want {
					t.Errorf("%s at %s: histograms %v, want %v", x.key, x.unit, ok, x.want)
				}
			}
		}
	}
	check := func(step string) {
		t.Helper()
		for _, unit := range []string{cityCode, conghuaCode, tianheCode} {
			for _, day := range []string{"", "2023-12-31", "2022-06-30"} {
				want, err := records.DashboardJSON(w.ctx, w.city, unit, day, "")
				if err != nil {
					t.Fatal(err)
				}
				for i, s := range []*Service{w.kpi, cached} {
					got, err := s.DashboardJSON(w.ctx, w.city, unit, day, "")
					if err != nil {
						t.Fatal(err)
					}
					if string(got) != string(want) {
						t.Fatalf("%s: %s on %q (service %d):\n%s\nrecords:\n%s", step, unit, day, i, got, want)
					}
				}
				// the Units page after the dashboard, from the service
				// whose cache holds the dashboard's histogram evaluations:
				// the judged units, one by one, as the records list them
				for _, key := range []string{"hub_coverage", "comms_two_orgs", "streets_brand"} {
					for _, set := range []string{"all", "short"} {
						want, err := records.Units(w.ctx, w.city, key, unit, day, set)
						if err != nil {
							t.Fatal(err)
						}
						got, err := cached.Units(w.ctx, w.city, key, unit, day, set)
						if err != nil {
							t.Fatal(err)
						}
						if g, wj := mustJSON(t, got), mustJSON(t, want); g != wj {
							t.Fatalf("%s: units of %s at %s on %q (%s) after the dashboard:\n%s\nrecords:\n%s", step, key, unit, day, set, g, wj)
						}
						if len(got.Items) == 0 && set == "all" {
							t.Fatalf("%s: units of %s at %s on %q: none listed", step, key, unit, day)
						}
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(19, 62))
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	var ids []int64
	w.clock.set("2021-10-01")
	for i := 0; i < 12; i++ {
		ids = append(ids, w.org(pick(comms), pick([]string{registry.TierStreet, registry.TierCommunity})).ID)
	}
	check("the first organizations")
	days := []string{"2022-03-01", "2022-08-15", "2023-02-10", "2023-07-01", "2023-11-20"}
	steps := 0
	for _, today := range []string{"2024-01-20", "2024-02-25", "2024-04-10"} {
		w.clock.set(today)
		for k := 0; k < 8; k++ {
			id := ids[r.IntN(len(ids))]
			var what string
			switch op := r.IntN(6); op {
			case 0:
				ids = append(ids, w.org(pick(comms), registry.TierStreet).ID)
				what = "a new organization"
			case 1, 2:
				day := pick(days)
				w.change(id, func(in *registry.Input) {
					if op == 1 {
						in.Hub = !in.Hub
					} else {
						in.Brand, in.VolunteerMark = !in.Brand, !in.VolunteerMark
					}
					in.EffectiveOn, in.LateReason = day, "台账补录"
				})
				what = fmt.Sprintf("flags of %d from %s", id, day)
			case 3:
				day := pick(days)
				c := pick(comms)
				o, err := w.reg.Get(w.ctx, w.city, id)
				if err != nil {
					t.Fatal(err)
				}
				if o.CommunityCode == c || o.Status != registry.StatusActive {
					continue
				}
				w.change(id, func(in *registry.Input) {
					in.CommunityCode, in.EffectiveOn, in.LateReason = c, day, "迁移补录"
				})
				what = fmt.Sprintf("%d moved to %s from %s", id, c, day)
			case 4:
				o, err := w.reg.Get(w.ctx, w.city, id)
				if err != nil {
					t.Fatal(err)
				}
				if o.Status != registry.StatusActive {
					continue
				}
				w.transition(id, registry.ActSuspend, "测试")
				what = fmt.Sprintf("%d suspended", id)
			case 5:
				what = "a census"
				histCensus(t, w, comms, r, steps)
			}
			steps++
			check(what)
		}
	}
	if steps < 20 {
		t.Fatalf("%d steps: too few", steps)
	}
}

// histCensus imports a few organizations late (补录), founded in the
// plan's first year, some hubs since a past day, some brands and marks.
func histCensus(t *testing.T, w *world, comms []string, r *rand.Rand, n int) {
	t.Helper()
	u := w.city
	im, err := w.reg.BeginImport(w.ctx, u, registry.ImportOptions{Source: fmt.Sprintf("census%d.xlsx", n), LateReason: "按普查补录"})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Abort()
	var rows []registry.ImportRow
	for i := 0; i < 20; i++ {
		founded := fmt.Sprintf("2021-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
		in := registry.Input{Name: fmt.Sprintf("普查%d组织%d", n, i), Tier: registry.TierCommunity, Types: []string{"culture_sports"},
			TargetGroups: []string{"elderly"}, CommunityCode: comms[r.IntN(len(comms))], LeaderName: "陈大文", LeaderPhone: "13800138000",
			FoundedOn: founded, Members: 12, Status: registry.StatusActive, Dates: map[string]string{"status": founded},
			Brand: r.IntN(4) == 0, VolunteerMark: r.IntN(3) == 0}
		if r.IntN(3) == 0 {
			in.Tier, in.Hub = registry.TierStreet, true
			in.Dates["hub"] = fmt.Sprintf("%d-%02d-%02d", 2022+r.IntN(2), 1+r.IntN(12), 1+r.IntN(28))
		}
		rows = append(rows, registry.ImportRow{N: i + 2, In: in})
	}
	res, err := im.AddRows(w.ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for j, x := range res {
		if len(x.Fields) > 0 {
			t.Fatalf("census row %d: %v", rows[j].N, x.Fields)
		}
	}
	if fin, err := im.Finish(w.ctx); err != nil || !fin.Committed || fin.Created != len(rows) {
		t.Fatalf("census: %+v, %v", fin, err)
	}
}
