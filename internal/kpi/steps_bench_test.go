//go:build unix

package kpi

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
)

// BenchmarkDashboardSteps splits a dashboard evaluated without the cache
// (BenchmarkNationalDashboard's city/today and district/today) into its
// steps, indicator by indicator: the value today, and the correction's two
// evaluations at the deadline (the value for that date now, and as known
// on it), on a database holding a generated dataset:
//
//	linli bench --scale guangzhou --only dashboard --db sqlite:/tmp/gz.db
//	LINLI_KPI_BENCH_DB=sqlite:/tmp/gz.db go test ./internal/kpi -run '^$' -bench DashboardSteps -benchtime 5x
func BenchmarkDashboardSteps(b *testing.B) {
	ctx := context.Background()
	d := dbtest.Dataset(b, "LINLI_KPI_BENCH_DB")
	s := &Service{DB: d, Geo: &geo.Store{DB: d}, Now: time.Now}
	s.NoCache(true)
	u := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: "44"}
	units := []string{"4401", "440111"}
	if v := os.Getenv("LINLI_KPI_BENCH_UNITS"); v != "" {
		units = []string{v}
	}
	for _, code := range units {
		node, err := s.unitFor(ctx, u, code)
		if err != nil {
			b.Fatal(err)
		}
		inds, err := s.List(ctx, u, code, false)
		if err != nil {
			b.Fatal(err)
		}
		now, _ := s.parseWhen(ctx, "", "")
		for _, ind := range inds {
			dl, err := time.Parse(time.DateOnly, ind.Deadline)
			if err != nil {
				b.Fatal(err)
			}
			at := whenOf(dl, s.now())
			known := at
			known.Known, known.KnownCut = ind.Deadline, at.Cut
			for _, st := range []struct {
				name string
				w    when
			}{{"today", now}, {"deadline", at}, {"known", known}} {
				b.Run(code+"/"+ind.Key+"/"+st.name, func(b *testing.B) {
					cpu0 := stepCPU()
					for i := 0; i < b.N; i++ {
						if _, err := s.newEvaluator().evaluate(ctx, ind, *node, st.w); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64((stepCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				})
			}
		}
	}
}

// stepCPU is the process's CPU time so far (user and system).
func stepCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
