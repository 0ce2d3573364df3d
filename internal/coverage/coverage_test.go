package coverage

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/geo/geotest"
	"linli/internal/kpi"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Places of the scenario.
const (
	tianhe    = "440106"       // 天河区: urban only
	tianhen   = "440106008"    // 天河南街道
	yulei     = "440106008007" // 育蕾社区
	zhijie    = "440106008008" // 天河直街社区
	liede     = "440106013001" // 猎德社区 (猎德街道)
	longgui   = "440111020"    // 龙归街道 (白云区): residents' and villagers' committees
	longguiU  = "440111020001" // 龙归社区居委会
	yongxing  = "440111020200" // 永兴村委会
	nancun    = "440111020201" // 南村村委会
	conghua   = "440117"       // 从化区, with streets coded 400+
	reservoir = "440117404598" // a community of 黄龙带水库 (not counted)
)

type fixture struct {
	ctx   context.Context
	db    *db.DB
	geo   *geo.Store
	reg   *registry.Service
	users *auth.Service
	cov   *Service
	now   time.Time
	admin *auth.User
	// model is what the test did, kept in Go: the independent count.
	model map[string]*mo
	ids   map[string]int64
}

// mo is an organization as the test knows it.
type mo struct {
	community, tier string
	groups, types   []string
	mark, active    bool
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d, st := geotest.Open(t)
	f := &fixture{ctx: ctx, db: d, geo: st, model: map[string]*mo{}, ids: map[string]int64{}}
	clock := func() time.Time { return f.now }
	f.reg = &registry.Service{DB: d, Geo: st, Now: clock}
	f.cov = &Service{DB: d, Geo: st, Now: clock}
	f.users = registrytest.Auth(d, st, f.reg, time.Now)
	f.admin = registrytest.Named(t, ctx, f.users, "admin", auth.CityAdmin, "4401")
	return f
}

// add files an organization (active unless pending) and notes it.
func (f *fixture) add(t *testing.T, name string, m mo) {
	t.Helper()
	in := registry.Input{Name: name, Tier: m.tier, Types: m.types, TargetGroups: m.groups, CommunityCode: m.community,
		FoundedOn: "2019-05-01", Members: 12, LeaderName: "陈丽", LeaderPhone: "13812345678", VolunteerMark: m.mark}
	if m.active {
		in.Status = registry.StatusActive
	}
	o, err := f.reg.Create(f.ctx, f.admin, in)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	f.model[name], f.ids[name] = &m, o.ID
	f.checkRollup(t)
}

func (f *fixture) act(t *testing.T, name, action string) {
	t.Helper()
	if _, err := f.reg.Transition(f.ctx, f.admin, f.ids[name], action, "测试"); err != nil {
		t.Fatalf("%s %s: %v", action, name, err)
	}
	f.model[name].active = action == registry.ActApprove || action == registry.ActResume
	f.checkRollup(t)
}

// update changes an organization through the registry; groups and types,
// when changed, are also written to the history the way the registry is to
// record them (fields "groups" and "types", the decimal mask), unless it
// already does.
func (f *fixture) update(t *testing.T, name string, change func(*registry.Input)) {
	t.Helper()
	o, err := f.reg.Get(f.ctx, f.admin, f.ids[name])
	if err != nil {
		t.Fatal(err)
	}
	in := registry.InputOf(o)
	change(&in)
	if _, err := f.reg.Update(f.ctx, f.admin, o.ID, in); err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
	m := f.model[name]
	for _, h := range []struct {
		field    string
		all      []string
		old, now []string
	}{{"groups", registry.TargetGroups, m.groups, in.TargetGroups}, {"types", registry.Types, m.types, in.Types}} {
		old, now := db.Mask(h.all, h.old), db.Mask(h.all, h.now)
		if old == now {
			continue
		}
		var n int
		if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM org_history WHERE org_id = $1 AND field = $2 AND at = $3`, o.ID, h.field, f.now).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 { // the registry does not record it (yet): as it will
			if _, err := f.db.Write.Exec(`INSERT INTO org_history (org_id, field, old_value, value, at, username) VALUES ($1, $2, $3, $4, $5, 'test')`,
				o.ID, h.field, strconv.FormatInt(old, 10), strconv.FormatInt(now, 10), f.now); err != nil {
				t.Fatal(err)
			}
			if err := orgroll.Refresh(f.ctx, f.db.Write, f.db.Dialect, []int64{o.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	m.community, m.tier, m.groups, m.types, m.mark = in.CommunityCode, in.Tier, in.TargetGroups, in.Types, in.VolunteerMark
	f.checkRollup(t)
}

func (f *fixture) snapshot() map[string]mo {
	out := map[string]mo{}
	for k, v := range f.model {
		c := *v
		c.groups, c.types = slices.Clone(v.groups), slices.Clone(v.types)
		out[k] = c
	}
	return out
}

// checkRollup compares org_cover with a count over the orgs table made in Go.
func (f *fixture) checkRollup(t *testing.T) {
	t.Helper()
	rows, err := f.db.Read.Query(`SELECT community_code, street_code, district_code, tier, types_mask, groups_mask, volunteer_mark FROM orgs WHERE status = 'active'`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for rows.Next() {
		var c, s, d, tier string
		var tm, gm int64
		var mark int
		if err := rows.Scan(&c, &s, &d, &tier, &tm, &gm, &mark); err != nil {
			t.Fatal(err)
		}
		area := geo.KindOf(c)
		for lvl, code := range map[int]string{3: d, 4: s, 5: c} {
			k := func(dim, key string) string { return fmt.Sprintf("%d %s %s %s %s", lvl, dim, code, area, key) }
			want[k("all", "")]++
			want[k("tier", tier)]++
			if mark == 1 {
				want[k("mark", "")]++
			}
			for b := 0; b < 63; b++ {
				if gm&(1<<b) != 0 {
					want[k("group", strconv.Itoa(b))]++
				}
				if tm&(1<<b) != 0 {
					want[k("type", strconv.Itoa(b))]++
				}
			}
		}
	}
	rows.Close()
	got := map[string]int{}
	rows, err = f.db.Read.Query(`SELECT lvl, dim, code, area, k, n FROM org_cover WHERE n <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var lvl, n int
		var d, c, a, k string
		if err := rows.Scan(&lvl, &d, &c, &a, &k, &n); err != nil {
			t.Fatal(err)
		}
		got[fmt.Sprintf("%d %s %s %s %s", lvl, d, c, a, k)] = n
	}
	if !maps.Equal(got, want) {
		t.Fatalf("org_cover\n%v\nthe records\n%v", got, want)
	}
	// the dated rollup on today's date says the same
	dated := map[string]int{}
	for _, l := range orgroll.Levels {
		m, err := orgroll.Read(f.ctx, f.db.Read, l.Lvl, []string{"all", "tier", "mark", "group", "type"}, "", "\U0010FFFF", orgroll.Day(f.now))
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range m {
			dated[fmt.Sprintf("%d %s %s %s %s", k.Lvl, k.Dim, k.Code, k.Area, k.K)] = c.N
		}
	}
	if !maps.Equal(dated, want) {
		t.Fatalf("the dated rollup today\n%v\nthe records\n%v", dated, want)
	}
}

// expect computes a report from the model: the independent count.
func (f *fixture) expect(t *testing.T, orgs map[string]mo, place, by, area string) *Report {
	t.Helper()
	n := rowLen(place)
	var kids []geo.Node
	if n == len(place) {
		g, err := f.geo.Get(f.ctx, place)
		if err != nil {
			t.Fatal(err)
		}
		kids = []geo.Node{*g}
	} else {
		var err error
		if kids, err = f.geo.Children(f.ctx, place); err != nil {
			t.Fatal(err)
		}
	}
	// every community under the place
	var comms []string
	var walk func(code string)
	walk = func(code string) {
		if len(code) == 12 {
			comms = append(comms, code)
			return
		}
		cs, err := f.geo.Children(f.ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			walk(c.Code)
		}
	}
	walk(place)
	r := &Report{Unit: place, By: by, Columns: Columns(by), Covered: map[string]float64{}, Totals: map[string]int{}, Empty: []Place{}}
	covered := map[string]int{}
	anyc := 0
	for _, k := range kids {
		has := false
		for _, c := range comms {
			if strings.HasPrefix(c, k.Code) && (area == "" || geo.KindOf(c) == area) {
				has = true
			}
		}
		if area != "" && !has {
			continue
		}
		row := Row{Unit: k.Code, Name: k.Name, Cells: map[string]int{}}
		for _, col := range r.Columns {
			row.Cells[col] = 0
		}
		for _, o := range orgs {
			if !o.active || !strings.HasPrefix(o.community, k.Code) || (area != "" && geo.KindOf(o.community) != area) {
				continue
			}
			row.Total++
			var vals []string
			switch by {
			case ByGroup:
				vals = o.groups
			case ByType:
				vals = o.types
			default:
				vals = []string{o.tier}
			}
			for _, v := range vals {
				row.Cells[v]++
			}
		}
		r.Rows = append(r.Rows, row)
		r.Total += row.Total
		for _, col := range r.Columns {
			r.Totals[col] += row.Cells[col]
		}
		if !geo.Counted(k.Code) {
			continue
		}
		r.Counted++
		if row.Total > 0 {
			anyc++
		}
		for _, col := range r.Columns {
			if row.Cells[col] > 0 {
				covered[col]++
			}
		}
	}
	for _, col := range r.Columns {
		r.Covered[col] = 0
		if r.Counted > 0 {
			r.Covered[col] = float64(covered[col]) / float64(r.Counted)
		}
	}
	if r.Counted > 0 {
		r.CoveredAny = float64(anyc) / float64(r.Counted)
	}
	for _, c := range comms {
		if !geo.Counted(c) || (area != "" && geo.KindOf(c) != area) {
			continue
		}
		r.Communities++
		has := false
		for _, o := range orgs {
			has = has || (o.active && o.community == c)
		}
		if !has {
			r.Empty = append(r.Empty, Place{Unit: c})
		}
	}
	return r
}

// same compares a report with the expected one, figure by figure.
func same(t *testing.T, what string, got, want *Report) {
	t.Helper()
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("%s: %d rows, want %d", what, len(got.Rows), len(want.Rows))
	}
	for i, w := range want.Rows {
		g := got.Rows[i]
		if g.Unit != w.Unit || g.Total != w.Total || !maps.Equal(g.Cells, w.Cells) {
			t.Errorf("%s: row %s total %d cells %v, want %s total %d cells %v", what, g.Unit, g.Total, g.Cells, w.Unit, w.Total, w.Cells)
		}
	}
	if got.Total != want.Total || !maps.Equal(got.Totals, want.Totals) {
		t.Errorf("%s: totals %d %v, want %d %v", what, got.Total, got.Totals, want.Total, want.Totals)
	}
	if !maps.EqualFunc(got.Covered, want.Covered, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) ||
		math.Abs(got.CoveredAny-want.CoveredAny) > 1e-9 || got.Counted != want.Counted {
		t.Errorf("%s: covered %v any %v of %d, want %v any %v of %d", what, got.Covered, got.CoveredAny, got.Counted,
			want.Covered, want.CoveredAny, want.Counted)
	}
	var ge, we []string
	for _, p := range got.Empty {
		ge = append(ge, p.Unit)
	}
	for _, p := range want.Empty {
		we = append(we, p.Unit)
	}
	sort.Strings(we)
	if !slices.Equal(ge, we) || got.Communities != want.Communities {
		t.Errorf("%s: %d of %d communities without any organization %v, want %d of %d %v", what, len(ge), got.Communities, ge,
			len(we), want.Communities, we)
	}
}

func (f *fixture) at(day string) {
	d, _ := time.ParseInLocation(time.DateOnly, day, clock.China)
	f.now = d.Add(10 * time.Hour).UTC()
}

// The scenario: organizations are filed, approved, suspended, deregistered,
// change their target groups and move; at two dates and today, for a
// district and a street, every figure of the report (from the rollup and
// from the records) equals the model's count.
func TestCoverageScenario(t *testing.T) {
	f := setup(t)
	f.at("2022-03-01")
	f.add(t, "长者舞蹈队", mo{community: yulei, tier: registry.TierCommunity, groups: []string{"elderly", "children"}, types: []string{"culture_sports"}, active: true})
	f.add(t, "巾帼志愿队", mo{community: zhijie, tier: registry.TierStreet, groups: []string{"women"}, types: []string{"volunteer"}, mark: true, active: true})
	f.add(t, "猎德书法社", mo{community: liede, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"culture_sports"}})
	f.add(t, "助残服务队", mo{community: liede, tier: registry.TierStreet, groups: []string{"disabled"}, types: []string{"life_service"}, active: true})
	f.add(t, "永兴村留守关爱队", mo{community: yongxing, tier: registry.TierCommunity, groups: []string{"children", "elderly"}, types: []string{"mutual_aid"}, active: true})
	f.add(t, "龙归社区长者会", mo{community: longguiU, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"mutual_aid"}, active: true})
	f.add(t, "水库护林队", mo{community: reservoir, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"rural_technical"}, active: true})
	first := f.snapshot()

	f.at("2022-06-01")
	f.act(t, "猎德书法社", registry.ActApprove)
	f.act(t, "巾帼志愿队", registry.ActSuspend)
	f.act(t, "助残服务队", registry.ActDeregister)
	f.add(t, "南村农技会", mo{community: nancun, tier: registry.TierCommunity, groups: []string{"unemployed"}, types: []string{"rural_technical"}, active: true})
	f.add(t, "流动舞队", mo{community: yulei, tier: registry.TierCommunity, groups: []string{"migrant_workers"}, types: []string{"culture_sports"}, active: true})
	// a change of target groups moves the organization between cells
	f.update(t, "长者舞蹈队", func(in *registry.Input) { in.TargetGroups = []string{"women"} })
	beforeMove := f.snapshot() // 流动舞队 still in 育蕾
	f.at("2022-06-15")
	f.update(t, "流动舞队", func(in *registry.Input) { in.CommunityCode = liede }) // a move
	f.update(t, "永兴村留守关爱队", func(in *registry.Input) {
		in.Types = []string{"mutual_aid", "volunteer"}
		in.Tier = registry.TierStreet
	})
	second := f.snapshot()

	f.at("2023-01-10")
	now := f.snapshot()
	for _, c := range []struct {
		day    string
		orgs   map[string]mo
		stored bool // org_cover answers (else the dated rollup)
	}{{"2022-03-31", first, false}, {"2022-06-10", beforeMove, false}, {"2022-06-30", second, false}, {"2023-01-10", now, true}, {"2024-01-01", now, true}} {
		for _, place := range []string{tianhe, tianhen, longgui, conghua, "4401", yongxing} {
			for _, by := range Dimensions {
				for _, area := range []string{"", geo.Urban, geo.Rural} {
					want := f.expect(t, c.orgs, place, by, area)
					what := fmt.Sprintf("%s %s by %s area %q", c.day, place, by, area)
					got, err := f.cov.Report(f.ctx, f.admin, Query{Unit: place, By: by, AsOf: c.day, Area: area})
					if err != nil {
						t.Fatal(err)
					}
					if got.FromRecords {
						t.Errorf("%s: from records, want a rollup", what)
					}
					same(t, what, got, want)
					{ // and the records agree with the rollups
						d, _ := f.cov.dayOf(c.day)
						node, _ := f.geo.Get(f.ctx, place)
						rec, err := f.cov.report(f.ctx, node, by, area, d, true)
						if err != nil {
							t.Fatal(err)
						}
						same(t, what+" from records", rec, want)
					}
				}
			}
		}
	}
	// a change of groups moved 长者舞蹈队 from elderly and children to women
	r1, _ := f.cov.Report(f.ctx, f.admin, Query{Unit: tianhen, AsOf: "2022-03-31"})
	r2, _ := f.cov.Report(f.ctx, f.admin, Query{Unit: tianhen})
	if r1.Rows[0].Cells["elderly"] != 1 || r2.Rows[0].Cells["elderly"] != 0 || r2.Rows[0].Cells["women"] != 1 {
		t.Errorf("育蕾 before %v, now %v", r1.Rows[0].Cells, r2.Rows[0].Cells)
	}
	// the reservoir's street is shown but not counted
	rc, _ := f.cov.Report(f.ctx, f.admin, Query{Unit: conghua})
	for _, row := range rc.Rows {
		if row.Unit == "440117404" && (!row.NotCounted || row.Total != 1) {
			t.Errorf("reservoir row %+v", row)
		}
	}

	// coverage as an indicator source, against the model
	ks := &kpi.Service{DB: f.db, Geo: f.geo, Now: func() time.Time { return f.now }, Coverage: f.cov}
	ks.NoCache(true)
	yes := true
	for _, c := range []struct {
		key   string
		level string
		unit  string
		fl    kpi.Filter
		match func(o mo) bool
		units func(code string) bool
	}{
		{"elderly_cover", kpi.LevelCommunity, "community", kpi.Filter{TargetGroups: []string{"elderly"}},
			func(o mo) bool { return slices.Contains(o.groups, "elderly") }, func(string) bool { return true }},
		{"village_children", kpi.LevelCommunity, "community", kpi.Filter{TargetGroups: []string{"children", "elderly"}, Rural: &yes},
			func(o mo) bool { return slices.Contains(o.groups, "children") || slices.Contains(o.groups, "elderly") },
			func(c string) bool { return geo.KindOf(c) == geo.Rural }},
		{"marked_volunteers", kpi.LevelStreet, "street", kpi.Filter{Types: []string{"volunteer"}, VolunteerMark: &yes},
			func(o mo) bool { return slices.Contains(o.types, "volunteer") && o.mark }, func(string) bool { return true }},
		{"marked", kpi.LevelStreet, "street", kpi.Filter{VolunteerMark: &yes},
			func(o mo) bool { return o.mark }, func(string) bool { return true }},
	} {
		if _, err := ks.Create(f.ctx, f.admin, kpi.Input{Key: c.key, NameZH: c.key, Level: kpi.LevelCity, ScopeCode: "4401",
			Rule:   kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceCoverage, UnitLevel: c.level, Filter: c.fl},
			Target: 0.5, Deadline: "2023-12-31"}); err != nil {
			t.Fatal(err)
		}
		for _, day := range []struct {
			d    string
			orgs map[string]mo
		}{{"2022-03-31", first}, {"2022-06-30", second}, {"", now}} {
			for _, place := range []string{"4401", tianhe, longgui} {
				res, err := ks.Evaluate(f.ctx, f.admin, c.key, place, day.d)
				if err != nil {
					t.Fatal(err)
				}
				n := 12
				if c.level == kpi.LevelStreet {
					n = 9
				}
				units, covered := map[string]bool{}, map[string]bool{}
				var walk func(code string)
				walk = func(code string) {
					if len(code) == n {
						if geo.Counted(code) && c.units(code) {
							units[code] = true
						}
						return
					}
					cs, _ := f.geo.Children(f.ctx, code)
					for _, k := range cs {
						walk(k.Code)
					}
				}
				walk(place)
				for _, o := range day.orgs {
					if o.active && c.match(o) && units[o.community[:n]] {
						covered[o.community[:n]] = true
					}
				}
				if res.Numerator == nil || res.Denominator == nil || *res.Numerator != len(covered) || *res.Denominator != len(units) {
					t.Errorf("%s at %s on %q: %v of %v, want %d of %d", c.key, place, day.d, res.Numerator, res.Denominator, len(covered), len(units))
				}
			}
		}
	}
}

// A move between communities is dated like any change (the registry's
// history field "community"): a move entered late with an effective date
// counts the organization in its old community before that date and in its
// new one from it, whatever day it was typed in; one moving into a place
// from outside counts there only from the move.
func TestCoverageMoveByEffectiveDate(t *testing.T) {
	f := setup(t)
	f.at("2022-03-01")
	f.add(t, "长者合唱团", mo{community: yulei, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"culture_sports"}, active: true})
	f.add(t, "龙归长者会", mo{community: longguiU, tier: registry.TierCommunity, groups: []string{"elderly"}, types: []string{"mutual_aid"}, active: true})
	before := f.snapshot()
	f.at("2022-09-20") // typed in on the 20th, effective on the 1st
	for name, to := range map[string]string{"长者合唱团": liede, "龙归长者会": zhijie} {
		f.update(t, name, func(in *registry.Input) { in.CommunityCode, in.EffectiveOn = to, "2022-09-01" })
	}
	after := f.snapshot()
	var n int
	if err := f.db.Read.QueryRow(`SELECT COUNT(*) FROM org_history WHERE field = 'community' AND at < $1`,
		time.Date(2022, 9, 2, 0, 0, 0, 0, clock.China)).Scan(&n); err != nil || n != 2 {
		t.Fatalf("moves in the history dated 2022-09-01: %d (%v), want 2", n, err)
	}
	f.at("2022-12-01")
	for _, c := range []struct {
		day  string
		orgs map[string]mo
	}{{"2022-08-31", before}, {"2022-09-01", after}, {"2022-09-10", after}, {"2022-12-01", after}} {
		for _, place := range []string{"4401", tianhe, tianhen, "440106013", longgui} {
			want := f.expect(t, c.orgs, place, ByGroup, "")
			got, err := f.cov.Report(f.ctx, f.admin, Query{Unit: place, By: ByGroup, AsOf: c.day})
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("%s %s", c.day, place), got, want)
		}
	}
	// the street's row of 育蕾 before, of 猎德 after, spelled out
	r1, _ := f.cov.Report(f.ctx, f.admin, Query{Unit: tianhe, AsOf: "2022-08-31"})
	r2, _ := f.cov.Report(f.ctx, f.admin, Query{Unit: tianhe, AsOf: "2022-09-01"})
	cell := func(r *Report, unit string) int {
		for _, row := range r.Rows {
			if row.Unit == unit {
				return row.Cells["elderly"]
			}
		}
		return -1
	}
	if cell(r1, tianhen) != 1 || cell(r1, "440106013") != 0 || cell(r2, tianhen) != 1 || cell(r2, "440106013") != 1 {
		t.Errorf("天河南 / 猎德 elderly: before %d / %d, after %d / %d; want 1 / 0 (长者合唱团 in 育蕾), 1 / 1 (in 猎德, 龙归长者会 in 天河直街)",
			cell(r1, tianhen), cell(r1, "440106013"), cell(r2, tianhen), cell(r2, "440106013"))
	}
}

// Out of scope is not found; a bad dimension or date is invalid.
func TestReportScopeAndInput(t *testing.T) {
	f := setup(t)
	f.at("2023-01-10")
	th := registrytest.Named(t, f.ctx, f.users, "tianhe", auth.DistrictOfficer, tianhe)
	if _, err := f.cov.Report(f.ctx, th, Query{Unit: "440105"}); err == nil || !strings.Contains(err.Error(), "not_found") {
		t.Errorf("海珠 for a 天河 officer: %v", err)
	}
	r, err := f.cov.Report(f.ctx, th, Query{})
	if err != nil || r.Unit != tianhe || len(r.Rows) != 21 {
		t.Fatalf("own scope: %v %+v", err, r)
	}
	for _, q := range []Query{{By: "colour"}, {AsOf: "2022-13-01"}, {Area: "moon"}} {
		if _, err := f.cov.Report(f.ctx, th, q); err == nil || !strings.Contains(err.Error(), "invalid") {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

func TestNeutral(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+x": "'+x", "-2": "'-2", "@a": "'@a", "社区": "社区", "": ""} {
		if got := Neutral(in); got != want {
			t.Errorf("Neutral(%q) = %q", in, got)
		}
	}
}
