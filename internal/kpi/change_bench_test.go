package kpi_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"linli/internal/platform/auth"
)

// BenchmarkDashboardAfterChange measures the dashboard a request gets after
// a change to one record, with the caches on as linli serves: each
// operation first changes an organization of one district (a no-op update
// of its row, which advances that district's change counter as any
// record's write does; not measured), then asks for the dashboard. For the
// city the district is drawn at random among the city's; for 天河
// (district) it is 天河. On BenchmarkLateDashboard's dataset (see there;
// LINLI_KPI_LATE_BENCH_DB, LINLI_KPI_LATE_BENCH_N). It reports the CPU of
// the dashboards alone (cpu-ms/op), on PostgreSQL the server's apart, and
// their statements.
//
//	go test ./internal/kpi -run '^$' -bench DashboardAfterChange -benchtime 300x
func BenchmarkDashboardAfterChange(b *testing.B) {
	ctx := context.Background()
	a, server := openLateBench(b)
	svc := a.KPI
	svc.NoCache(false)
	// one organization of each district of the city
	var ids []int64
	var dists []string
	rows, err := a.DB.Read.QueryContext(ctx, `SELECT district_code, MIN(id) FROM orgs WHERE district_code >= '4401' AND district_code < '4402'
		GROUP BY district_code ORDER BY district_code`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var d string
		var id int64
		if err := rows.Scan(&d, &id); err != nil {
			b.Fatal(err)
		}
		dists, ids = append(dists, d), append(ids, id)
	}
	if err := rows.Close(); err != nil {
		b.Fatal(err)
	}
	change := func(i int) {
		if _, err := a.DB.Write.ExecContext(ctx, `UPDATE orgs SET name = name WHERE id = $1`, ids[i]); err != nil {
			b.Fatal(err)
		}
	}
	city := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: "4401"}
	for _, c := range []struct{ name, unit string }{{"city", "4401"}, {"district", lateBenchDistrict}} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := svc.Dashboard(ctx, city, c.unit, ""); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 19))
			var cpu, srv time.Duration
			var trips int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d := rng.IntN(len(ids))
				if c.unit != "4401" {
					for d = range dists {
						if dists[d] == c.unit {
							break
						}
					}
				}
				change(d)
				b.StartTimer()
				srv0, trips0, cpu0 := server(), a.DB.RoundTrips(), cpuNow()
				if _, err := svc.Dashboard(ctx, city, c.unit, ""); err != nil {
					b.Fatal(err)
				}
				cpu += cpuNow() - cpu0 // (the server's reading apart, after)
				trips += a.DB.RoundTrips() - trips0
				srv += server() - srv0
			}
			b.StopTimer()
			if n, size := svc.PartsKept(); n > 0 {
				b.Logf("%d parts of cities' evaluations kept, %d bytes", n, size)
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(srv.Microseconds())/1000/float64(b.N), "server-cpu-ms/op")
			b.ReportMetric(float64(trips)/float64(b.N), "trips/op")
		})
	}
}
