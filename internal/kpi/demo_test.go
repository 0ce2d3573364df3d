package kpi_test

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/demo"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// demoNow is the demonstration's "today": mid-2023, in the plan's last phase.
// (Not every date works: the demo's timeline can file an organization the
// day before its founding date when "now" is close to it; 2023-07-01 does not.)
var demoNow = time.Date(2023, 7, 1, 2, 0, 0, 0, time.UTC)

func loadDemo(tb testing.TB) *kpi.Service {
	tb.Helper()
	ctx := context.Background()
	d := dbtest.Open(tb)
	st := &geo.Store{DB: d}
	clock := func() time.Time { return demoNow }
	reg := &registry.Service{DB: d, Geo: st, Now: clock}
	users := &auth.Service{DB: d, Now: clock, IdleTimeout: time.Hour, AbsTimeout: 12 * time.Hour, Orgs: reg, DivisionExists: st.Exists,
		Hashing: auth.Cheapest()}
	if _, err := demo.Load(ctx, d, st, reg, users, demoNow, 2021); err != nil {
		tb.Fatal(err)
	}
	return &kpi.Service{DB: d, Geo: st, Now: clock}
}

var cityAdmin = &auth.User{ID: 1, Username: "admin", Role: auth.CityAdmin, ScopeCode: "4401"}

// TestDemoDashboard: the demonstration data gives a dashboard worth
// looking at, with districts ahead and districts behind.
func TestDemoDashboard(t *testing.T) {
	svc := loadDemo(t)
	ctx := context.Background()
	d, err := svc.Dashboard(ctx, cityAdmin, "4401", "")
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]map[string]int{} // indicator → child state → count
	for _, r := range d.Results {
		states[r.Key] = map[string]int{}
		for _, c := range r.Children {
			states[r.Key][c.Status]++
		}
		t.Logf("%-22s %-10s value %v  children %v", r.Key, r.Status, fmtv(r.Value), states[r.Key])
	}
	for _, key := range []string{"brand_orgs", "brand_projects", "demonstration_points", "rural_pilots"} {
		if states[key][kpi.StateMet] == 0 || states[key][kpi.StateBehind]+states[key][kpi.StateOnTrack] == 0 {
			t.Errorf("%s: districts %v; want some met and some not", key, states[key])
		}
	}
	if states["training_per_year"][kpi.StateNoData] != 0 {
		t.Errorf("no data: %v", states["training_per_year"])
	}
	var hub []float64
	for _, r := range d.Results {
		if r.Key == "hub_coverage" {
			for _, c := range r.Children {
				hub = append(hub, *c.Value)
			}
			if *r.Value < 0.3 || *r.Value > 0.95 {
				t.Errorf("city hub coverage %v", *r.Value)
			}
		}
	}
	sort.Float64s(hub)
	if hub[0] >= 0.8 || hub[len(hub)-1] < 0.8 {
		t.Errorf("hub coverage by district %v: want some below and some above 80%%", hub)
	}
	scores := map[float64]bool{}
	for _, r := range d.Ranking {
		scores[r.Score] = true
	}
	if len(d.Ranking) != 11 || len(scores) < 3 {
		t.Errorf("ranking %d rows, %d distinct scores", len(d.Ranking), len(scores))
	}
	// the past differs from today: the demo enters its organizations today
	// with effective dates, and the coverage grows from the end of 2021
	// (some hubs already) through 2022 to today
	var prev float64
	for _, asOf := range []string{"2021-12-31", "2022-12-31", ""} {
		r, err := svc.Evaluate(ctx, cityAdmin, "hub_coverage", "4401", asOf)
		if err != nil {
			t.Fatal(err)
		}
		if r.Value == nil || !(*r.Value > prev) {
			t.Errorf("hub coverage %q: %v, want more than %v", asOf, fmtv(r.Value), prev)
			continue
		}
		prev = *r.Value
		if asOf != "" && r.LateEntries == 0 {
			t.Errorf("hub coverage %s: no late entries behind it", asOf)
		}
	}
	pilots, err := svc.Pilots(ctx, cityAdmin, "")
	if err != nil {
		t.Fatal(err)
	}
	var districts []string
	for _, p := range pilots {
		districts = append(districts, p.DistrictCode)
	}
	slices.Sort(districts)
	if !slices.Equal(slices.Compact(districts), []string{"440112", "440117", "440118"}) {
		t.Errorf("pilots in %v", districts)
	}
}

func fmtv(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}

// BenchmarkDashboard measures the evaluation of the whole dashboard (every
// indicator, with the units one level down) for the city and for one
// district on the demonstration data: today (current columns) and a past
// date (dated history), without the cache and through it. It reports the
// median and the 99th percentile of the iterations.
//
//	go test -run '^$' -bench Dashboard -benchtime 200x ./internal/kpi/
func BenchmarkDashboard(b *testing.B) {
	benchDashboards(b, loadDemo(b), cityAdmin, nil)
}

// benchDashboards measures the dashboards of the city (4401) and of one
// district (440106) as u, today and at a past date, without the cache and
// through it: median, p99 and CPU per dashboard, and the statements run
// (trips, when given).
func benchDashboards(b *testing.B, svc *kpi.Service, u *auth.User, trips func() int64) {
	ctx := context.Background()
	for _, c := range []struct {
		name, unit, asOf string
		cache            bool
	}{
		{"city/today", "4401", "", false},
		{"district/today", "440106", "", false},
		{"city/2022-06-30", "4401", "2022-06-30", false},
		{"district/2022-06-30", "440106", "2022-06-30", false},
		{"city/today/cached", "4401", "", true},
		{"district/today/cached", "440106", "", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			svc.NoCache(!c.cache)
			if _, err := svc.Dashboard(ctx, u, c.unit, c.asOf); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			var trips0 int64
			if trips != nil {
				trips0 = trips()
			}
			cpu0 := cpuNow()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := svc.Dashboard(ctx, u, c.unit, c.asOf); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			ReportLatency(b, lat)
			ReportCPU(b, cpu0)
			if trips != nil {
				b.ReportMetric(float64(trips()-trips0)/float64(b.N), "trips/op") // statements run with arguments
			}
		})
	}
}

// ReportCPU reports the process's CPU time per iteration since cpu0.
func ReportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu0 > 0 && b.N > 0 {
		b.ReportMetric(float64((cpuNow()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// ReportLatency reports the median and p99 of per-iteration latencies.
func ReportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkNationalDashboard measures the same on a database that already
// holds a large dataset, such as the one `linli bench --scale national`
// generates (1.75 million organizations over the national hierarchy):
//
//	linli bench --scale national --db sqlite:/tmp/national.db --divisions ../shared/data/divisions
//	LINLI_KPI_BENCH_DB=sqlite:/tmp/national.db go test -run '^$' -bench NationalDashboard -benchtime 50x ./internal/kpi/
//
// Without LINLI_KPI_BENCH_DB there is nothing to measure and it says so.
func BenchmarkNationalDashboard(b *testing.B) {
	d := dbtest.Dataset(b, "LINLI_KPI_BENCH_DB")
	var orgs int
	if err := d.Read.QueryRow(`SELECT COUNT(*) FROM orgs`).Scan(&orgs); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d organizations", d.Engine, orgs)
	svc := &kpi.Service{DB: d, Geo: &geo.Store{DB: d}, Now: time.Now}
	national := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: "44"}
	benchDashboards(b, svc, national, d.RoundTrips)
}

// BenchmarkDashboardHTTP measures the dashboard as a browser or a script
// gets it, through the whole product over HTTP (session, scope, rendering,
// JSON), on the demonstration data, with the evaluation cache off (every
// request evaluates) and on (as served).
//
//	go test -run '^$' -bench DashboardHTTP -benchtime 200x ./internal/kpi/
func BenchmarkDashboardHTTP(b *testing.B) {
	a := apptest.New(b)
	a.Clock.Advance(demoNow.Sub(a.Clock.Now()))
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.DB, a.Geo, a.Registry, a.Auth, demoNow, 2021); err != nil {
		b.Fatal(err)
	}
	c := a.Login("admin", demo.DemoPassword)
	for _, p := range []struct{ name, path string }{
		{"city/page", "/dashboard/4401"}, {"district/page", "/dashboard/440106"},
		{"city/api", "/api/v1/dashboard/4401"}, {"district/api", "/api/v1/dashboard/440106"},
	} {
		for _, cached := range []bool{false, true} {
			name := p.name
			if cached {
				name += "/cached"
			}
			b.Run(name, func(b *testing.B) {
				a.KPI.NoCache(!cached)
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if r := c.Do("GET", p.path, nil); r.Status != 200 {
						b.Fatalf("%s: %d", p.path, r.Status)
					}
					lat = append(lat, time.Since(t0))
				}
				b.StopTimer()
				ReportLatency(b, lat)
			})
		}
	}
}
