package census_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"linli/internal/app"
	"linli/internal/app/apptest"
	"linli/internal/bench"
	"linli/internal/census"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// BenchmarkNationalExport is linli bench's export_xlsx row without HTTP:
// the whole city's organizations written as .xlsx (to io.Discard) by the
// city's administrator, on a national dataset (LINLI_EXPORT_BENCH_DB, its
// key in LINLI_EXPORT_BENCH_KEY or beside it; LINLI_EXPORT_BENCH_CITY, by
// default the city with the most organizations, as linli bench measures).
// It reports rows a second of wall time and of CPU, and the CPU a row
// (on PostgreSQL the server's processes' included).
//
//	LINLI_EXPORT_BENCH_DB=sqlite:/work/x.db LINLI_EXPORT_BENCH_KEY=/work/K go test -run '^$' -bench NationalExport -benchtime 30x ./internal/census/
func BenchmarkNationalExport(b *testing.B) {
	ctx := context.Background()
	a, server := apptest.Dataset(b, "LINLI_EXPORT_BENCH_DB", "LINLI_EXPORT_BENCH_KEY", exportBenchApp)
	city := os.Getenv("LINLI_EXPORT_BENCH_CITY")
	if city == "" {
		if err := a.DB.Read.QueryRowContext(ctx, `SELECT substr(district_code, 1, 4) FROM orgs
			GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1`).Scan(&city); err != nil {
			b.Fatal(err)
		}
	}
	svc := &census.Service{DB: a.DB, Registry: a.Registry, Geo: a.Geo, Cat: app.Catalog(), Now: time.Now}
	u := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: city}
	var rows int
	count := &countingWriter{}
	if err := svc.Export(ctx, u, registry.Filter{}, census.FormatXLSX, count); err != nil {
		b.Fatal(err)
	}
	if err := a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE district_code LIKE $1 || '%'`, city).Scan(&rows); err != nil {
		b.Fatal(err)
	}
	cpu0, server0 := bench.CPUTime(), server()
	b.ResetTimer()
	for range b.N {
		if err := svc.Export(ctx, u, registry.Filter{}, census.FormatXLSX, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := bench.CPUTime() - cpu0 + server() - server0
	n := float64(b.N * rows)
	b.ReportMetric(n/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(n/cpu.Seconds(), "rows/cpu-s")
	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/row")
	b.ReportMetric(float64(count.n)/float64(rows), "bytes/row")
}

// exportBenchApp names the benchmark's PostgreSQL connections, whose
// server processes' CPU it counts.
const exportBenchApp = "linli-export-bench"

// countingWriter counts what an export writes.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
