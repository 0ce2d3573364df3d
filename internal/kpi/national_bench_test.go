package kpi_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"linli/internal/bench"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// nationalBenchApp is the PostgreSQL application_name of
// BenchmarkNationalUnits's connections (its server processes' CPU is
// found by it).
const nationalBenchApp = "linli-kpi-national-bench"

// BenchmarkNationalUnits measures the evaluated dashboards (the cache off:
// every indicator from the records, as after a change) of the units in
// LINLI_KPI_BENCH_UNITS (default "3101,310115": the city and the district
// linli bench measures nationally), each asked by an account scoped to it
// (a city administrator for a city, the district's officer for a
// district), on a database holding a dataset `linli bench --scale
// national` generated (LINLI_KPI_BENCH_DB). A city without indicators of
// its own gets Guangzhou's copied first, as linli bench does. Each
// sub-benchmark reports the process's CPU per dashboard, on PostgreSQL the
// server's for it apart (its processes on this machine), the statements
// run and the wall times (p50, p99).
//
//	linli bench --scale national --orgs 200000 --only generate-only --db URL --divisions DIR
//	LINLI_KPI_BENCH_DB=URL go test -run '^$' -bench NationalUnits -benchtime 200x ./internal/kpi/
func BenchmarkNationalUnits(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("LINLI_KPI_BENCH_DB")
	if url == "" {
		b.Skip("set LINLI_KPI_BENCH_DB to a database holding a generated dataset (linli bench writes one)")
	}
	url, appName := bench.Named(url, nationalBenchApp)
	d, err := db.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	// (as linli does at start-up: a migration may ask for the rollup anew)
	if _, err := orgroll.Ensure(ctx, d); err != nil {
		b.Fatal(err)
	}
	units := strings.Split(os.Getenv("LINLI_KPI_BENCH_UNITS"), ",")
	if units[0] == "" {
		units = []string{"3101", "310115"}
	}
	svc := &kpi.Service{DB: d, Geo: &geo.Store{DB: d}, Now: time.Now}
	if _, err := bench.CityIndicators(ctx, svc, units[0][:4]); err != nil {
		b.Fatal(err)
	}
	server := func() time.Duration { return 0 }
	if d.Engine == db.Postgres {
		server = bench.BackendCPU(d, appName)
	}
	svc.NoCache(true)
	for _, unit := range units {
		u := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: unit}
		if len(unit) > 4 {
			u.Role = auth.DistrictOfficer
		}
		b.Run("unit="+unit, func(b *testing.B) {
			measureDashboards(b, nil, func() error {
				_, err := svc.Dashboard(ctx, u, unit, "")
				return err
			}, server, d.RoundTrips)
		})
	}
}
