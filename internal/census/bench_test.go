package census_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/internal/census"
	"linli/internal/geo"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// benchRows is the size of the generated census file (LINLI_BENCH_ROWS
// overrides it, for a quick run while developing).
func benchRows() int { return dbtest.Size("LINLI_BENCH_ROWS", 100_000) }

var kinds = []string{"街坊互助队", "长者关爱服务队", "志愿服务队", "舞蹈队", "书法协会", "合唱团", "太极拳协会", "读书会",
	"环保志愿队", "治安巡逻队", "亲子阅读会", "妇女之家", "青少年服务社", "助残服务队", "健康促进会", "乒乓球协会", "篮球队",
	"粤剧社", "摄影协会", "种植技术协会", "垃圾分类督导队", "平安志愿队", "心理疏导服务队", "邻里守望队", "文艺宣传队",
	"象棋协会", "广场舞队", "义剪服务队", "家风家教促进会", "慈善互助会", "调解志愿队", "科普宣传队", "手工艺协会",
	"长跑爱好者协会", "花艺社", "茶艺社", "民俗文化研究会", "退役军人志愿队", "法律援助志愿队", "应急救援队"}

// genCensus writes a census workbook of n rows spread over the Guangzhou
// communities, as an officer would fill it: mostly active organizations,
// some registered with credit codes, dates in every accepted form.
func genCensus(b *testing.B, f *fixture, n int) string {
	b.Helper()
	var comms []geo.Node
	for _, d := range must(f.census.Geo.Children(f.ctx, "4401")) {
		for _, s := range must(f.census.Geo.Children(f.ctx, d.Code)) {
			comms = append(comms, must(f.census.Geo.Children(f.ctx, s.Code))...)
		}
	}
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	hdr := []any{"组织名称", "统一社会信用代码", "管理层级", "组织类型", "服务对象", "所属社区（村）代码", "所属社区（村）", "活动地址",
		"成立日期", "成员人数", "负责人", "负责人电话", "党组织建设", "党建指导员", "枢纽型组织", "品牌组织", "示范点年度", "志愿服务组织标识", "状态"}
	sw.SetRow("A1", hdr)
	dates := []func(i int) any{
		func(i int) any { return 40000 + i%4000 },
		func(i int) any { return fmt.Sprintf("20%02d-%02d-%02d", 10+i%12, 1+i%12, 1+i%28) },
		func(i int) any { return fmt.Sprintf("20%02d/%d/%d", 10+i%12, 1+i%12, 1+i%28) },
		func(i int) any { return fmt.Sprintf("20%02d年%d月%d日", 10+i%12, 1+i%12, 1+i%28) },
	}
	for i := 0; i < n; i++ {
		c := comms[i%len(comms)]
		k := i / len(comms)
		name := strings.TrimSuffix(strings.TrimSuffix(c.Name, "委员会"), "居民") + kinds[k%len(kinds)]
		if k >= len(kinds) {
			name += "第" + strconv.Itoa(k/len(kinds)+1) + "分队"
		}
		tier, credit := "社区管理", ""
		switch i % 20 {
		case 0:
			tier, credit = "依法登记", creditFor(c.Code, i)
		case 1, 2, 3, 4, 5, 6:
			tier = "街道（乡镇）管理"
		}
		row := []any{name, credit, tier, "文体娱乐性、居民互助性", "老年人、儿童", c.Code, c.Name, c.Name + "活动室",
			dates[i%4](i), 10 + i%90, "负责人" + strconv.Itoa(i%1000), 13900000000 + i, "未建立", "", "否", "否", "", "否", "正常活动"}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "census.xlsx")
	if err := x.SaveAs(p); err != nil {
		b.Fatal(err)
	}
	return p
}

func creditFor(code string, i int) string {
	return credit(fmt.Sprintf("51%s%09d", code[:6], i))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// peak tracks the largest heap in use while a function runs, and the
// process's peak resident size (reset before, where Linux allows).
func peak(fn func()) (heapMB, rssMB float64) {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var mu sync.Mutex
	var max uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			if ms.HeapInuse > max {
				max = ms.HeapInuse
			}
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return float64(max) / (1 << 20), vmHWM()
}

func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(l)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkCensus imports a generated 100,000-row workbook into an empty
// registry (one city officer, every Guangzhou community), then exports the
// 100,000 organizations as .xlsx and .csv. Run it once:
//
//	go test -run '^$' -bench Census -benchtime 1x ./internal/census/
func BenchmarkCensus(b *testing.B) {
	n := benchRows()
	var f *fixture
	var path string
	outer := b
	b.Run(fmt.Sprintf("import_%d", n), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			f = setup(outer) // outlives this sub-benchmark, for the exports
			if path == "" {
				path = genCensus(outer, f, n)
			}
			runtime.GC()
			b.StartTimer()
			var rep *census.Report
			var err error
			cpu0, pg0 := cpuTime(), serverCPU(f)
			heap, rss := peak(func() {
				rep, err = f.census.Import(f.ctx, f.admin, path, "census.xlsx", census.Options{})
			})
			cpu, pg := cpuTime()-cpu0, serverCPU(f)-pg0
			b.StopTimer()
			if err != nil || len(rep.Errors) != 0 || rep.Created != n {
				b.Fatalf("import: %v %+v", err, rep.Errors[:min(5, len(rep.Errors))])
			}
			b.ReportMetric(heap, "peak-heap-MB")
			b.ReportMetric(rss, "peak-RSS-MB")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(i+1), "rows/s")
			// the process's CPU a row (the import's goroutines and the Go
			// runtime's; PostgreSQL's own CPU is its processes'), which a
			// loaded machine distorts far less than the rate
			b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/row")
			if pg > 0 {
				b.ReportMetric(float64(pg.Microseconds())/float64(n), "pg-cpu-µs/row")
			}
		}
	})
	if f == nil {
		return
	}
	b.Run(fmt.Sprintf("reimport_unchanged_%d", n), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rep, err := f.census.Import(f.ctx, f.admin, path, "census.xlsx", census.Options{})
			if err != nil || rep.Unchanged != n {
				b.Fatalf("reimport: %v %+v", err, rep)
			}
		}
	})
	for _, format := range []string{census.FormatXLSX, census.FormatCSV} {
		b.Run(fmt.Sprintf("export_%s_%d", format, n), func(b *testing.B) {
			var size int64
			for i := 0; i < b.N; i++ {
				cw := &countWriter{}
				heap, rss := peak(func() {
					if err := f.census.Export(f.ctx, f.admin, registry.Filter{}, format, cw); err != nil {
						b.Fatal(err)
					}
				})
				size = cw.n
				b.ReportMetric(heap, "peak-heap-MB")
				b.ReportMetric(rss, "peak-RSS-MB")
			}
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
		})
	}
}

// cpuTime is the process's user and system CPU so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU of the PostgreSQL processes serving the test's
// database so far, when the server runs on this machine (0 on SQLite).
func serverCPU(f *fixture) time.Duration {
	if f.db.Engine != db.Postgres {
		return 0
	}
	rows, err := f.db.Read.QueryContext(f.ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return 0
	}
	defer rows.Close()
	var t time.Duration
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// the fields after the command's closing parenthesis: utime and
		// stime are the 12th and 13th, in clock ticks (100 a second)
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.Atoi(f[11])
			s, _ := strconv.Atoi(f[12])
			t += time.Duration(u+s) * 10 * time.Millisecond
		}
	}
	return t
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
