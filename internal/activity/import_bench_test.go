package activity_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/bench"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// BenchmarkImport imports a street's file of LINLI_BENCH_IMPORT rows
// (default 2,000: about a year of 100 organizations) through the API, each
// row by the form's rules, and reports rows per second and the process's
// CPU a row (the test's client and server; on PostgreSQL the server's own
// processes are not counted), which a loaded machine distorts far less.
func BenchmarkImport(b *testing.B) {
	n := dbtest.Size("LINLI_BENCH_IMPORT", 2000)
	f := &fixture{}
	a := apptest.New(b)
	f.a = a
	st := a.CreateUser("wushan-officer", "street_officer", wushan, 0)
	var names []string
	for i := range 100 {
		in := apptest.ActiveInput(fmt.Sprintf("五山测试组织%d", i), wushanComm)
		in.Tier = registry.TierStreet
		names = append(names, a.CreateOrg(st, in).Name)
	}
	rows := [][]any{importHeader}
	for i := range n {
		day := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365).Format(time.DateOnly)
		rows = append(rows, importRow(names[i%len(names)], "活动"+strconv.Itoa(i), "文化铸魂", "服务", "书法", day, "09:00", "11:00", "",
			"老年人", 20, 10, "老年人:6", ""))
	}
	data := book(b, rows)
	b.ResetTimer()
	for range b.N {
		a.Clock.Advance(time.Second)
		t0, cpu0 := time.Now(), bench.CPUTime()
		r := a.As(st).Do("POST", "/api/v1/activities/import", apptest.Upload{Field: "file", Filename: "a.xlsx", Data: data})
		if r.Status != 200 {
			b.Fatalf("import: %d %s", r.Status, r.String()[:min(500, len(r.String()))])
		}
		b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "rows/s")
		b.ReportMetric(float64((bench.CPUTime()-cpu0).Microseconds())/float64(n), "cpu-µs/row")
	}
}
