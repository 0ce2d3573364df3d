package kpi_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkIndicator measures one indicator's evaluation (GET
// /api/v1/indicators/{key} without the HTTP layer) on the demonstration
// data, without the cache: today, a past date, and past a deadline (where
// the value at the deadline is compared with what was known then).
//
//	go test -run '^$' -bench 'Indicator|Dashboard$' -benchtime 30x ./internal/kpi/
func BenchmarkIndicator(b *testing.B) {
	svc := loadDemo(b)
	ctx := context.Background()
	svc.NoCache(true)
	for _, c := range []struct{ name, key, unit, asOf string }{
		{"hub_coverage/city/today", "hub_coverage", "4401", ""},
		{"hub_coverage/city/2022-06-30", "hub_coverage", "4401", "2022-06-30"},
		{"brand_orgs/city/2023-12-31", "brand_orgs", "4401", "2023-12-31"},
		{"demonstration_points/district/today", "demonstration_points", "440106", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := svc.Evaluate(ctx, cityAdmin, c.key, c.unit, c.asOf); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			cpu0 := cpuNow()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := svc.Evaluate(ctx, cityAdmin, c.key, c.unit, c.asOf); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			ReportLatency(b, lat)
			ReportCPU(b, cpu0)
		})
	}
}
