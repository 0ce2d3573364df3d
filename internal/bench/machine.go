package bench

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"

	"linli/internal/platform/db"
)

// machine describes this machine and the engine as configured.
func machine(ctx context.Context, d *db.DB) Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Engine: d.Engine, Settings: map[string]string{}}
	m.CPUModel = cpuinfo("model name")
	if kb := meminfo("MemTotal"); kb > 0 {
		m.MemoryGiB = float64(kb) / (1 << 20)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	if d.Engine == db.Postgres {
		_ = d.Read.QueryRowContext(ctx, `SHOW server_version`).Scan(&m.Server)
		m.Server = "PostgreSQL " + m.Server
		for _, s := range []string{"fsync", "synchronous_commit", "shared_buffers", "work_mem", "max_connections"} {
			var v string
			if d.Read.QueryRowContext(ctx, `SHOW `+s).Scan(&v) == nil {
				m.Settings[s] = v
			}
		}
		return m
	}
	_ = d.Read.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&m.Server)
	m.Server = "SQLite " + m.Server + " (modernc.org/sqlite)"
	for _, p := range []string{"journal_mode", "synchronous", "cache_size"} {
		// synchronous is the writer's: it is the connection that commits
		// (readers keep NORMAL, which does not matter to them)
		q := d.Read
		if p == "synchronous" {
			q = d.Write
		}
		var v string
		if q.QueryRowContext(ctx, `PRAGMA `+p).Scan(&v) == nil {
			m.Settings[p] = v
		}
	}
	if v, ok := m.Settings["synchronous"]; ok {
		m.Settings["synchronous"] = map[string]string{"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}[v]
	}
	return m
}

func cpuinfo(key string) string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func meminfo(key string) uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && k == key {
			n, _ := strconv.ParseUint(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return 0
}
