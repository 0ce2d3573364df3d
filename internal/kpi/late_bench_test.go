package kpi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	neturl "net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"linli/internal/app"
	"linli/internal/app/apptest"
	"linli/internal/bench"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// lateBenchDistrict is the district of BenchmarkLateDashboard that gets the
// most late entries (天河); lateBenchQuiet one that gets none (番禺).
const (
	lateBenchDistrict = "440106"
	lateBenchQuiet    = "440113"
	lateBenchApp      = "linli-kpi-late-bench"
)

// BenchmarkLateDashboard measures the city's and the districts' dashboards
// evaluated without the cache (the first request after a change) on a
// Guangzhou dataset made by `linli bench` (LINLI_KPI_LATE_BENCH_ORGS
// organizations, default 25,000, in a fresh database or, when it holds none
// yet, in LINLI_KPI_LATE_BENCH_DB, which is measured as it is when it does)
// after a census of late entries (补录: organizations whose history takes
// effect years before it was entered, imported through the registry as the
// census import does): LINLI_KPI_LATE_BENCH_N in 天河 (default 3,000) and
// twice as many over the other districts but 番禺, a fifth of them hubs
// since a past day. Each sub-benchmark reports the process's CPU per
// dashboard, on PostgreSQL the server's for it apart (its processes on
// this machine), the statements run, and the dashboards' wall times (p50,
// p99). city_after_write asks for the city's after a write in 天河 each
// time (a no-op update of a census organization), city_after_late_entry
// after a late entry there (a history row entered now, dated 2020); the
// writes are not measured.
//
//	go test ./internal/kpi -run '^$' -bench LateDashboard -benchtime 5x
func BenchmarkLateDashboard(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("LINLI_KPI_LATE_BENCH_DB")
	if url == "" {
		url = dbtest.URL(b)
	}
	// the data key where the database URL as given keeps it (not by the
	// URL with the application name below)
	key := app.DefaultKeyFile(url)
	if u, err := neturl.Parse(url); err == nil && u.Scheme == "postgres" {
		// (the server's processes serving it are found by this name, which
		// no other program's connections carry: linli bench's are counted
		// apart)
		q := u.Query()
		q.Set("application_name", lateBenchApp)
		u.RawQuery = q.Encode()
		url = u.String()
	}
	n := 25000
	if v, err := strconv.Atoi(os.Getenv("LINLI_KPI_LATE_BENCH_ORGS")); err == nil && v > 0 {
		n = v
	}
	// --reuse: a database that already holds a dataset is measured as it is
	var out bytes.Buffer
	code := app.Run(ctx, app.Env{Args: []string{"bench", "--db", url, "--scale", "guangzhou", "--seed", "1", "--orgs", strconv.Itoa(n),
		"--reuse", "--key-file", key, "--only", "generate-only", "--out", b.TempDir() + "/gen.json"}, Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
	if code != 0 {
		b.Fatalf("linli bench: %d\n%s", code, out.String())
	}
	a, err := app.Open(ctx, app.Config{DB: url, KeyFile: key}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	late := 3000
	if v, err := strconv.Atoi(os.Getenv("LINLI_KPI_LATE_BENCH_N")); err == nil && v >= 0 {
		late = v
	}
	if err := lateCensus(ctx, a, late); err != nil {
		b.Fatal(err)
	}
	if a.DB.Engine == "postgres" {
		if _, err := a.DB.Write.ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	var orgs, lates int
	a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&orgs)
	a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT org_id) FROM org_history WHERE entered_at > at`).Scan(&lates)
	b.Logf("%s: %d organizations, %d entered late", a.DB.Engine, orgs, lates)
	server := func() time.Duration { return 0 }
	if a.DB.Engine == "postgres" {
		server = bench.BackendCPU(a.DB, lateBenchApp)
	}
	svc := a.KPI
	svc.NoCache(true)
	defer svc.NoCache(false)
	city := &auth.User{ID: 1, Username: "bench", Role: auth.CityAdmin, ScopeCode: "4401"}
	// a no-op write to one census organization in 天河 (its district's
	// change counter moves, as with any write there)
	touch := func() {
		if _, err := a.DB.Write.ExecContext(ctx, `UPDATE orgs SET name = name WHERE id = (SELECT MIN(id) FROM orgs
			WHERE name LIKE '补录基准%' AND district_code = $1)`, lateBenchDistrict); err != nil {
			b.Fatal(err)
		}
	}
	// a late entry for one census organization in 天河 (a history row
	// entered now, effective years ago, of a field no indicator reads: the
	// correction's month under 天河 moves, as with any late entry there)
	lateEntry := func() {
		if _, err := a.DB.Write.ExecContext(ctx, `INSERT INTO org_history (org_id, field, old_value, value, reason, at, user_id,
			username, entered_at, late_reason) SELECT id, 'name', name, name, '', $2, NULL, 'bench', $3, '按普查补录' FROM orgs
			WHERE id = (SELECT MIN(id) FROM orgs WHERE name LIKE '补录基准%' AND district_code = $1)`,
			lateBenchDistrict, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().UTC()); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, unit string
		write      func() // before each dashboard, a write under the unit (not measured)
	}{
		{"city", "4401", nil}, {"district", lateBenchDistrict, nil}, {"quiet_district", lateBenchQuiet, nil},
		{"city_after_write", "4401", touch}, {"city_after_late_entry", "4401", lateEntry},
	} {
		b.Run(c.name, func(b *testing.B) {
			measureDashboards(b, c.write, func() error {
				_, err := svc.Dashboard(ctx, city, c.unit, "")
				return err
			}, server, a.DB.RoundTrips)
		})
	}
}

// measureDashboards runs dash once (warming), then b.N times, each after
// write (when given; not measured), and reports the process's CPU per
// dashboard, the server's (server: its processes' CPU so far, 0 where
// none), the statements run (trips) and the wall times (p50, p99).
func measureDashboards(b *testing.B, write func(), dash func() error, server func() time.Duration, trips func() int64) {
	if err := dash(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var cpu, srv time.Duration
	var n int64
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		if write != nil {
			b.StopTimer()
			write()
			b.StartTimer()
		}
		t0, cpu0, srv0, trips0 := time.Now(), cpuNow(), server(), trips()
		if err := dash(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		cpu, srv, n = cpu+cpuNow()-cpu0, srv+server()-srv0, n+trips()-trips0
	}
	b.StopTimer()
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(srv.Microseconds())/1000/float64(b.N), "server-cpu-ms/op")
	b.ReportMetric(float64(n)/float64(b.N), "trips/op")
	ReportLatency(b, lat)
}

// lateCensus imports n organizations into 天河's communities and 2n into
// the other districts' but 番禺's, each active since its founding day
// (2015–2022) and entered today with a late entry's reason, one in five a
// hub since a day of 2022 or 2023; once per database (a reused one keeps
// them).
func lateCensus(ctx context.Context, a *app.App, n int) error {
	var done int
	if err := a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE name LIKE '补录基准%'`).Scan(&done); err != nil {
		return err
	}
	if done > 0 || n == 0 {
		return nil
	}
	rows, err := a.DB.Read.QueryContext(ctx, `SELECT code FROM divisions WHERE level = 5 AND code >= '4401' AND code < '4402'
		AND substr(code, 1, 6) <> $1 ORDER BY code`, lateBenchQuiet)
	if err != nil {
		return err
	}
	var mine, others []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		if c[:6] == lateBenchDistrict {
			mine = append(mine, c)
		} else {
			others = append(others, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	u, err := a.Auth.CreateUser(ctx, nil, auth.NewUser{Username: "late-census", DisplayName: "late-census", Role: auth.CityAdmin,
		ScopeCode: "4401", Password: apptest.Password})
	if err != nil {
		return err
	}
	im, err := a.Registry.BeginImport(ctx, u, registry.ImportOptions{Source: "late-census.xlsx", LateReason: "按普查补录"})
	if err != nil {
		return err
	}
	defer im.Abort()
	var batch []registry.ImportRow
	for i := 0; i < 3*n; i++ {
		comms := others
		if i < n {
			comms = mine
		}
		comm := comms[i%len(comms)]
		founded := fmt.Sprintf("%d-%02d-%02d", 2015+i%8, 1+i%12, 1+i%28)
		in := registry.Input{Name: fmt.Sprintf("补录基准%s第%d队", comm, i), Tier: registry.TierCommunity, Types: []string{"culture_sports"},
			TargetGroups: []string{"elderly"}, CommunityCode: comm, LeaderName: "陈大文", LeaderPhone: "13800138000",
			FoundedOn: founded, Members: 12, Status: registry.StatusActive, Dates: map[string]string{"status": founded}}
		if i%5 == 0 {
			in.Tier, in.Hub = registry.TierStreet, true
			in.Dates["hub"] = fmt.Sprintf("%d-%02d-%02d", 2022+i%2, 1+i%12, 1+i%28)
		}
		batch = append(batch, registry.ImportRow{N: i + 2, In: in})
		if len(batch) == 500 || i == 3*n-1 {
			res, err := im.AddRows(ctx, batch)
			if err != nil {
				return err
			}
			for j, r := range res {
				if len(r.Fields) > 0 {
					return fmt.Errorf("late census row %d: %v", batch[j].N, r.Fields)
				}
			}
			batch = batch[:0]
		}
	}
	res, err := im.Finish(ctx)
	if err != nil {
		return err
	}
	if !res.Committed || res.Created != 3*n {
		return fmt.Errorf("late census: %+v", res)
	}
	return nil
}
