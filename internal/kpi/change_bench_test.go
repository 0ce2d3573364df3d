package kpi_test

import (
	"context"
	"os"
	"runtime/pprof"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/bench"
	"linli/internal/platform/auth"
)

// BenchmarkNationalAfterChange measures what linli bench's rows
// dashboard_city_changed and dashboard_district_changed measure, without
// HTTP: the dashboard (its JSON, as the API answers) of each unit in
// LINLI_KPI_BENCH_UNITS (default "3101,310115") with the caches on, as
// linli serves, each asked right after a change under the unit: one
// organization has its brand flag toggled through the registry's service
// (in each of the city's districts in turn, each of the district's streets
// for a district; not measured). On a national dataset
// (LINLI_KPI_BENCH_DB, its key in LINLI_KPI_BENCH_KEY or beside it). It
// reports the process's CPU per dashboard, on PostgreSQL the server's
// apart, the round trips and the wall times. The dashboards run under the
// profile label step=dashboard, so a -cpuprofile can be read for them alone
// (go tool pprof -tagfocus step=dashboard).
//
//	LINLI_KPI_BENCH_DB=sqlite:/work/x.db LINLI_KPI_BENCH_KEY=/work/K go test -run '^$' -bench NationalAfterChange -benchtime 300x ./internal/kpi/
func BenchmarkNationalAfterChange(b *testing.B) {
	ctx := context.Background()
	a, server := apptest.Dataset(b, "LINLI_KPI_BENCH_DB", "LINLI_KPI_BENCH_KEY", nationalBenchApp)
	units := strings.Split(os.Getenv("LINLI_KPI_BENCH_UNITS"), ",")
	if units[0] == "" {
		units = []string{"3101", "310115"}
	}
	svc := a.KPI
	if _, err := bench.CityIndicators(ctx, svc, units[0][:4]); err != nil {
		b.Fatal(err)
	}
	svc.NoCache(false)
	changer := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: units[0][:4]}
	for _, unit := range units {
		u := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: unit}
		if len(unit) > 4 {
			u.Role = auth.DistrictOfficer
		}
		// the organizations linli bench's rows change under the unit
		ids, err := bench.ChangeTargets(ctx, a.DB, unit, len(unit) == 4)
		if err != nil || len(ids) == 0 {
			b.Fatalf("no organization to change under %s (%v)", unit, err)
		}
		tg := &bench.BrandToggler{Registry: a.Registry, User: changer}
		b.Run("unit="+unit, func(b *testing.B) {
			i := 0
			measureDashboards(b, func() {
				if err := tg.Toggle(ctx, ids[i%len(ids)]); err != nil {
					b.Fatal(err)
				}
				i++
			}, func() error {
				var err error
				pprof.Do(ctx, pprof.Labels("step", "dashboard"), func(ctx context.Context) {
					_, err = svc.DashboardJSON(ctx, u, unit, "", "")
				})
				return err
			}, server, a.DB.RoundTrips)
		})
		if err := tg.Restore(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
