package kpi_test

import (
	"context"
	"fmt"
	neturl "net/url"
	"os"
	"strings"
	"testing"
	"time"

	"linli/internal/bench"
	"linli/internal/geo"
	"linli/internal/kpi"
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
	if u, err := neturl.Parse(url); err == nil && u.Scheme == "postgres" {
		q := u.Query()
		q.Set("application_name", nationalBenchApp)
		u.RawQuery = q.Encode()
		url = u.String()
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	units := strings.Split(os.Getenv("LINLI_KPI_BENCH_UNITS"), ",")
	if units[0] == "" {
		units = []string{"3101", "310115"}
	}
	svc := &kpi.Service{DB: d, Geo: &geo.Store{DB: d}, Now: time.Now}
	if err := copyIndicators(ctx, svc, units[0][:4]); err != nil {
		b.Fatal(err)
	}
	server := func() time.Duration { return 0 }
	if d.Engine == db.Postgres {
		server = bench.BackendCPU(d, nationalBenchApp)
	}
	svc.NoCache(true)
	for _, unit := range units {
		u := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: unit}
		if len(unit) > 4 {
			u.Role = auth.DistrictOfficer
		}
		b.Run("unit="+unit, func(b *testing.B) {
			if _, err := svc.Dashboard(ctx, u, unit, ""); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var cpu, srv time.Duration
			var trips int64
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t0, cpu0, srv0, trips0 := time.Now(), cpuNow(), server(), d.RoundTrips()
				if _, err := svc.Dashboard(ctx, u, unit, ""); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				cpu, srv, trips = cpu+cpuNow()-cpu0, srv+server()-srv0, trips+d.RoundTrips()-trips0
			}
			b.StopTimer()
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}
			b.ReportMetric(float64(srv.Microseconds())/1000/float64(b.N), "server-cpu-ms/op")
			b.ReportMetric(float64(trips)/float64(b.N), "trips/op")
			ReportLatency(b, lat)
		})
	}
}

// copyIndicators gives a city Guangzhou's indicators when none applies to
// it, as linli bench does for the city it measures nationally.
func copyIndicators(ctx context.Context, s *kpi.Service, city string) error {
	if city == geo.GuangzhouCode {
		return nil
	}
	admin := &auth.User{Role: auth.CityAdmin, ScopeCode: city, Username: "bench"}
	have, err := s.List(ctx, admin, city, false)
	if err != nil || len(have) > 0 {
		return err
	}
	gz := &auth.User{Role: auth.CityAdmin, ScopeCode: geo.GuangzhouCode, Username: "bench"}
	src, err := s.List(ctx, gz, geo.GuangzhouCode, false)
	if err != nil {
		return err
	}
	for _, ind := range src {
		if ind.ScopeCode != geo.GuangzhouCode {
			continue
		}
		in := kpi.InputOf(ind)
		in.Key, in.ScopeCode, in.Rule.Units = fmt.Sprintf("%s_%s", ind.Key, city), city, nil
		if _, err := s.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("copy indicator %s to %s: %w", ind.Key, city, err)
		}
	}
	return nil
}
