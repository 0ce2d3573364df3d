package kpi

import (
	"math"
	"slices"
	"testing"

	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// scenario builds a small world in 从化区 with designations at known dates:
//
//	2021-09-15  A (街口), B (江埔), C (温泉) and D (天河) filed, active
//	2021-10-01  a district-level base opens (covers no street)
//	2022-01-10  天湖村 (温泉) designated a rural pilot; 永兴村 (白云) too
//	2022-03-01  A designated a hub
//	2022-05-01  A made the 2022 demonstration point
//	2022-06-01  B designated a hub
//	2022-09-01  B suspended (and so no longer a hub)
//	2022-11-01  a base opens in 街口
//	2023-02-01  C hub and brand, A brand, C the 2023 demonstration point
//	2023-03-01  A's social worker starts
//	2023-06-15  today
type scenario struct {
	*world
	a, b, c, d *registry.Org
	pointA     int64 // A's 2022 demonstration point
}

func newScenario(t testing.TB) *scenario {
	w := newWorld(t)
	s := &scenario{world: w}
	s.a = w.org("440117001001", registry.TierStreet)
	s.b = w.org("440117002002", registry.TierStreet)
	s.c = w.org("440117103002", registry.TierStreet)
	s.d = w.org("440106001001", registry.TierStreet)
	w.clock.set("2021-10-01")
	w.base("从化区社会组织孵化基地", conghuaCode, "", "2021-10-01", "")
	w.clock.set("2022-01-10")
	w.pilot("440117103201", "2022-01-10")
	w.pilot("440111020200", "2022-01-10")
	w.clock.set("2022-03-01")
	w.change(s.a.ID, func(in *registry.Input) { in.Hub = true })
	w.clock.set("2022-05-01")
	s.pointA = w.point(conghuaCode, 2022, s.a.ID, "")
	w.clock.set("2022-06-01")
	w.change(s.b.ID, func(in *registry.Input) { in.Hub = true })
	w.clock.set("2022-09-01")
	w.transition(s.b.ID, registry.ActSuspend, "停止活动")
	w.clock.set("2022-11-01")
	w.base("街口街道党群服务中心培育基地", conghuaCode, jiekou, "2022-11-01", "")
	w.clock.set("2023-02-01")
	w.change(s.c.ID, func(in *registry.Input) { in.Hub, in.Brand = true, true })
	w.point(conghuaCode, 2023, s.c.ID, "")
	w.change(s.a.ID, func(in *registry.Input) { in.Brand = true })
	w.clock.set("2023-03-01")
	w.worker(s.a.ID, "2023-03-01")
	w.clock.set("2023-06-15")
	return s
}

func near(a *float64, b float64) bool { return a != nil && math.Abs(*a-b) < 1e-9 }

func fmtp(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}

func TestScenario(t *testing.T) {
	s := newScenario(t)
	type want struct {
		key, unit, asOf string
		value           any // float64, or nil for no value
		status          string
		num, den        int // -1: not checked
	}
	n := func(v float64) any { return v }
	cases := []want{
		// hub coverage: streets of 从化 (8) and of the city (176) with an active hub
		{"hub_coverage", conghuaCode, "2021-12-31", n(0), StateBehind, 0, 8},
		{"hub_coverage", conghuaCode, "2022-03-31", n(1.0 / 8), StateBehind, 1, 8},
		{"hub_coverage", conghuaCode, "2022-07-01", n(2.0 / 8), StateBehind, 2, 8},
		{"hub_coverage", conghuaCode, "2022-12-31", n(1.0 / 8), StateBehind, 1, 8},
		{"hub_coverage", conghuaCode, "", n(2.0 / 8), StateBehind, 2, 8},
		{"hub_coverage", cityCode, "2022-07-01", n(2.0 / 176), StateBehind, 2, 176},
		{"hub_coverage", jiekou, "2022-02-28", n(0), StateBehind, 0, 1},
		{"hub_coverage", jiekou, "2022-03-01", n(1), StateMet, 1, 1},
		{"hub_coverage", jiangpu, "2022-08-31", n(1), StateMet, 1, 1},
		{"hub_coverage", jiangpu, "2022-09-01", n(0), StateBehind, 0, 1},
		// incubation: districts with an open district-level base
		{"incubation_coverage", conghuaCode, "2021-09-30", n(0), StateBehind, 0, 1},
		{"incubation_coverage", conghuaCode, "2021-10-01", n(1), StateMet, 1, 1},
		{"incubation_coverage", cityCode, "2022-11-01", n(1.0 / 11), StateBehind, 1, 11},
		{"incubation_coverage", jiekou, "", nil, StateNotApplicable, -1, -1},
		// brand organizations: 3 per district by 2023
		{"brand_orgs", conghuaCode, "2022-12-31", n(0), StateBehind, -1, -1},
		{"brand_orgs", conghuaCode, "", n(2), StateOnTrack, -1, -1},
		{"brand_orgs", jiekou, "", n(1), StateNotJudged, -1, -1},
		// demonstration points: one per district per year
		{"demonstration_points", conghuaCode, "2021-12-31", n(0), StateOnTrack, -1, -1},
		{"demonstration_points", conghuaCode, "2022-03-31", n(0), StateOnTrack, -1, -1},
		{"demonstration_points", conghuaCode, "2022-12-31", n(1), StateMet, -1, -1},
		{"demonstration_points", conghuaCode, "", n(1), StateMet, -1, -1},
		{"demonstration_points", tianheCode, "2023-01-01", n(0), StateBehind, -1, -1},
		// rural pilots: only the five districts; 白云's pilot counts nowhere
		{"rural_pilots", conghuaCode, "2022-01-09", n(0), StateOnTrack, -1, -1},
		{"rural_pilots", conghuaCode, "2022-01-10", n(1), StateMet, -1, -1},
		{"rural_pilots", cityCode, "2022-03-31", n(1), StateOnTrack, -1, -1},
		{"rural_pilots", "440111", "", nil, StateNotApplicable, -1, -1},
		// hubs with a social worker
		{"hub_social_workers", conghuaCode, "2021-12-31", nil, StateNotApplicable, 0, 0},
		{"hub_social_workers", conghuaCode, "2022-12-31", n(0), StateBehind, 0, 1},
		{"hub_social_workers", conghuaCode, "", n(0.5), StateBehind, 1, 2},
		// brand projects are kept (the funding room): none yet is zero
		{"brand_projects", conghuaCode, "", n(0), StateBehind, -1, -1},
		// records not kept yet: no data, never zero met
		// trainings are kept (internal/training) but none was run here: zero, behind
		{"training_per_year", cityCode, "", n(0), StateBehind, -1, -1},
	}
	for _, c := range cases {
		t.Run(c.key+"@"+c.unit+"@"+c.asOf, func(t *testing.T) {
			r := s.eval(s.city, c.key, c.unit, c.asOf)
			if c.value == nil {
				if r.Value != nil {
					t.Errorf("value %v, want null", *r.Value)
				}
			} else if !near(r.Value, c.value.(float64)) {
				t.Errorf("value %v, want %v", fmtp(r.Value), c.value)
			}
			if r.Status != c.status {
				t.Errorf("status %s, want %s", r.Status, c.status)
			}
			if (r.Met != nil && *r.Met) != (c.status == StateMet) {
				t.Errorf("met %v with status %s", r.Met, r.Status)
			}
			if c.num >= 0 && (r.Numerator == nil || *r.Numerator != c.num || *r.Denominator != c.den) {
				t.Errorf("numerator/denominator %v/%v, want %d/%d", r.Numerator, r.Denominator, c.num, c.den)
			}
			if c.status == StateNoData && r.Met != nil {
				t.Error("no data must not be judged")
			}
		})
	}
}

func TestScenarioChildrenAndLists(t *testing.T) {
	s := newScenario(t)
	t.Run("city children are the districts", func(t *testing.T) {
		r := s.eval(s.city, "hub_coverage", cityCode, "")
		if len(r.Children) != 11 {
			t.Fatalf("%d children", len(r.Children))
		}
		for _, c := range r.Children {
			want := 0.0
			switch c.Unit {
			case conghuaCode:
				want = 2.0 / 8
			case tianheCode:
				want = 0
			}
			if !near(c.Value, want) {
				t.Errorf("%s %s: %v, want %v", c.Unit, c.Name, fmtp(c.Value), want)
			}
		}
	})
	t.Run("rural pilots judged only in the five districts", func(t *testing.T) {
		r := s.eval(s.city, "rural_pilots", cityCode, "")
		if *r.UnitsTotal != 5 || *r.UnitsMet != 1 || *r.Met {
			t.Fatalf("units %d/%d met %v", *r.UnitsMet, *r.UnitsTotal, *r.Met)
		}
		for _, c := range r.Children {
			in := slices.Contains([]string{"440112", "440114", "440115", "440117", "440118"}, c.Unit)
			if in == (c.Status == StateNotApplicable) {
				t.Errorf("%s: status %s", c.Unit, c.Status)
			}
		}
		short, err := s.kpi.Units(s.ctx, s.city, "rural_pilots", cityCode, "", "short")
		if err != nil {
			t.Fatal(err)
		}
		if short.Total != 4 || short.Items[0].Shortfall != 1 {
			t.Fatalf("short: %+v", short.Items)
		}
	})
	t.Run("streets without a hub", func(t *testing.T) {
		l, err := s.kpi.Units(s.ctx, s.city, "hub_coverage", conghuaCode, "", "short")
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range l.Items {
			codes = append(codes, u.Unit)
		}
		want := []string{jiangpu, "440117003", "440117104", "440117107", "440117111", "440117113"}
		if !slices.Equal(codes, want) {
			t.Fatalf("streets without a hub: %v, want %v", codes, want)
		}
	})
	t.Run("the hubs behind the number on a past date", func(t *testing.T) {
		p, err := s.kpi.Records(s.ctx, s.city, "hub_coverage", conghuaCode, "2022-07-01", "", 0, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range p.Items {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, []int64{s.a.ID, s.b.ID}) || p.Items[0].Link == "" {
			t.Fatalf("hubs on 2022-07-01: %v", p.Items)
		}
	})
	t.Run("hubs missing a social worker", func(t *testing.T) {
		p, err := s.kpi.Records(s.ctx, s.city, "hub_social_workers", conghuaCode, "", "missing", 0, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 || p.Items[0].ID != s.c.ID {
			t.Fatalf("missing: %+v", p.Items)
		}
	})
	t.Run("demonstration points of a past year", func(t *testing.T) {
		p, err := s.kpi.Records(s.ctx, s.city, "demonstration_points", conghuaCode, "", "", 2022, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 || p.Items[0].ID != s.pointA || p.Items[0].Name != s.orgNames[s.a.ID] || p.Items[0].Year != "2022" {
			t.Fatalf("2022 points: %+v", p.Items)
		}
		r := s.eval(s.city, "demonstration_points", conghuaCode, "")
		if len(r.Periods) != 2 || !r.Periods[0].Met || !r.Periods[0].Ended || !r.Periods[1].Met || r.Periods[1].Ended {
			t.Fatalf("periods %+v", r.Periods)
		}
	})
}

func TestScopeAndErrors(t *testing.T) {
	s := newScenario(t)
	for _, c := range []struct {
		name      string
		err       func() error
		wantCode  string
		wantField string
	}{
		{"another district's dashboard", func() error {
			_, err := s.kpi.Dashboard(s.ctx, s.tianhe, conghuaCode, "")
			return err
		}, errs.NotFound, ""},
		{"another district's indicator value", func() error {
			_, err := s.kpi.Evaluate(s.ctx, s.tianhe, "hub_coverage", conghuaCode, "")
			return err
		}, errs.NotFound, ""},
		{"the city from a district", func() error {
			_, err := s.kpi.Evaluate(s.ctx, s.conghua, "brand_orgs", cityCode, "")
			return err
		}, errs.NotFound, ""},
		{"a street officer's neighbour", func() error {
			_, err := s.kpi.Records(s.ctx, s.jiekou, "hub_coverage", jiangpu, "", "", 0, 1, 10)
			return err
		}, errs.NotFound, ""},
		{"bad date", func() error {
			_, err := s.kpi.Evaluate(s.ctx, s.city, "hub_coverage", cityCode, "2022-13-01")
			return err
		}, errs.Invalid, "as_of"},
		{"unknown indicator", func() error {
			_, err := s.kpi.Evaluate(s.ctx, s.city, "nope", cityCode, "")
			return err
		}, errs.NotFound, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			e, ok := errs.As(err)
			if !ok || e.Code != c.wantCode {
				t.Fatalf("got %v, want %s", err, c.wantCode)
			}
			if c.wantField != "" {
				if _, ok := e.Fields[c.wantField]; !ok {
					t.Fatalf("no message for %s: %v", c.wantField, err)
				}
			}
		})
	}
	t.Run("a district officer sees their district and its streets", func(t *testing.T) {
		d, err := s.kpi.Dashboard(s.ctx, s.conghua, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Unit.Code != conghuaCode || len(d.Children) != 8 || len(d.Results) != 8 {
			t.Fatalf("unit %s, %d children, %d indicators", d.Unit.Code, len(d.Children), len(d.Results))
		}
		if d.Path[0].Code != conghuaCode {
			t.Fatalf("path shows %v above the officer's scope", d.Path)
		}
		if _, err := s.kpi.Dashboard(s.ctx, s.conghua, jiekou, "2022-06-30"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestHistoryMatchesCurrent checks that the two ways of reading the
// registry, its current columns (as of today) and its dated history (any
// other day), agree on today.
func TestHistoryMatchesCurrent(t *testing.T) {
	s := newScenario(t)
	inds, err := s.kpi.List(s.ctx, s.city, "", false)
	if err != nil {
		t.Fatal(err)
	}
	now := s.clock.Now()
	cur := whenOf(now.In(clock.China), now)
	hist := cur
	hist.Current = false
	if !cur.Current {
		t.Fatal("today is not read from current columns")
	}
	for _, ind := range inds {
		for _, code := range []string{cityCode, conghuaCode, jiekou, tianheCode} {
			node, err := s.geo.Get(s.ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.kpi.newEvaluator().evaluate(s.ctx, ind, *node, cur)
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.kpi.newEvaluator().evaluate(s.ctx, ind, *node, hist)
			if err != nil {
				t.Fatal(err)
			}
			ra, rb := a.result(), b.result()
			if fmtp(ra.Value) != fmtp(rb.Value) || ra.Status != rb.Status || len(ra.Children) != len(rb.Children) {
				t.Errorf("%s at %s: current %v %s, history %v %s", ind.Key, code, fmtp(ra.Value), ra.Status, fmtp(rb.Value), rb.Status)
			}
			for i := range ra.Children {
				if fmtp(ra.Children[i].Value) != fmtp(rb.Children[i].Value) {
					t.Errorf("%s at %s, child %s: %v vs %v", ind.Key, code, ra.Children[i].Unit, fmtp(ra.Children[i].Value), fmtp(rb.Children[i].Value))
				}
			}
		}
	}
}
