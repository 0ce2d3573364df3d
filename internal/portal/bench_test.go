package portal_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"linli/internal/app"
	"linli/internal/platform/db/dbtest"
)

// BenchmarkPortal measures the portal's pages over HTTP, as a visitor who
// is not signed in, on a dataset made by `linli bench`: the one in
// LINLI_PORTAL_BENCH_DB (a database URL, e.g. a copy of the national
// dataset made by `linli bench --scale national --only generate-only`), or
// else a Guangzhou one generated here (LINLI_PORTAL_BENCH_ORGS
// organizations, default 25,000). The place measured is the community with
// the most active organizations; its district gets 20,000 activities (over
// the year before and the two months after today) and every active
// organization of the district publishes its activities. Each sub-benchmark
// reports the median, the p99, the process's CPU per request (on PostgreSQL
// without the database server's) and the page's size.
//
//	LINLI_PORTAL_BENCH_DB=sqlite:/tmp/national-copy.db go test ./internal/portal/ -run '^$' -bench Portal -benchtime 200x
func BenchmarkPortal(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("LINLI_PORTAL_BENCH_DB")
	if url == "" {
		url = dbtest.URL(b)
		n := dbtest.Size("LINLI_PORTAL_BENCH_ORGS", 25000)
		var out bytes.Buffer
		code := app.Run(ctx, app.Env{Args: []string{"bench", "--db", url, "--scale", "guangzhou", "--seed", "1", "--orgs", strconv.Itoa(n),
			"--only", "generate-only", "--out", b.TempDir() + "/gen.json"}, Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
		if code != 0 {
			b.Fatalf("linli bench: %d\n%s", code, out.String())
		}
	}
	a, err := app.Open(ctx, app.Config{DB: url}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	if err := a.Mount(); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	d := a.DB
	var comm string
	var nComm int
	if err := d.Read.QueryRowContext(ctx, `SELECT community_code, COUNT(*) FROM orgs WHERE status = 'active'
		GROUP BY community_code ORDER BY COUNT(*) DESC, community_code LIMIT 1`).Scan(&comm, &nComm); err != nil {
		b.Fatal(err)
	}
	dist := comm[:6]
	var nOrgs, nDist int
	d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&nOrgs)
	d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE district_code = $1 AND status = 'active'`, dist).Scan(&nDist)
	if err := seedActivities(ctx, a, dist, comm, 20000); err != nil {
		b.Fatal(err)
	}
	var org int64
	d.Read.QueryRowContext(ctx, `SELECT MIN(id) FROM orgs WHERE community_code = $1 AND status = 'active'`, comm).Scan(&org)
	b.Logf("%s: %d organizations; community %s with %d active, district %s with %d", d.Engine, nOrgs, comm, nComm, dist, nDist)
	client := srv.Client()
	for _, c := range []struct{ name, path string }{
		{"anchor-static", "/static/portal/portal.css"}, // what the machine's load alone costs a request
		{"community", "/p/" + comm},
		{"community-api", "/api/v1/public/places/" + comm},
		{"street", "/p/" + comm[:9]},
		{"district", "/p/" + dist},
		{"city", "/p/" + comm[:4]},
		{"org", "/p/orgs/" + strconv.FormatInt(org, 10)},
		{"activities", "/p/activities?within=" + dist},
		{"search-2", "/p/" + dist + "?q=" + "服务"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ds dbtest.Latencies
			size := 0
			get := func() {
				s := time.Now()
				r, err := client.Get(srv.URL + c.path)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(r.Body)
				r.Body.Close()
				if r.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d %.300s", c.path, r.StatusCode, body)
				}
				ds = append(ds, time.Since(s))
				size = len(body)
			}
			get() // the first request evaluates the dashboard; the rest read its cache
			first := ds[0]
			ds = ds[:0]
			cpu0 := cpuTime()
			for b.Loop() {
				get()
			}
			// the process's CPU (server, client and, on SQLite, the database)
			// per request: what load does not stretch, unlike wall time
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(ds)), "cpu-ms/op")
			ds.Report(b)
			b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedActivities writes n activities of the district's active organizations
// (in bulk, as the activity room's own benchmark does) and publishes the
// district's organizations' activities; a district that has activities
// already is left as it is.
func seedActivities(ctx context.Context, a *app.App, dist, comm string, n int) error {
	var have int
	a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM activities WHERE district_code = $1`, dist).Scan(&have)
	if have > 0 {
		return nil
	}
	rows, err := a.DB.Read.QueryContext(ctx, `SELECT id, community_code FROM orgs WHERE district_code = $1 AND status = 'active' ORDER BY id LIMIT 400`, dist)
	if err != nil {
		return err
	}
	type o struct {
		id   int64
		comm string
	}
	var os []o
	for rows.Next() {
		var x o
		rows.Scan(&x.id, &x.comm)
		os = append(os, x)
	}
	rows.Close()
	// the measured community's own organizations are among the hosts
	rows, err = a.DB.Read.QueryContext(ctx, `SELECT id, community_code FROM orgs WHERE community_code = $1 AND status = 'active'`, comm)
	if err != nil {
		return err
	}
	for rows.Next() {
		var x o
		rows.Scan(&x.id, &x.comm)
		os = append(os, x, x, x)
	}
	rows.Close()
	r := rand.New(rand.NewPCG(3, 4))
	cst := time.FixedZone("CST", 8*3600)
	now := time.Now().In(cst)
	themes := []string{"neighbourly_watch", "co_governance", "safety", "culture", "rural_revival"}
	const batch = 500
	for done := 0; done < n; done += batch {
		err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
			var vals []string
			var args []any
			for i := done; i < min(n, done+batch); i++ {
				x := os[r.IntN(len(os))]
				start := now.AddDate(0, 0, r.IntN(425)-365).Truncate(time.Hour)
				p := len(args)
				ph := func(k int) string { return "$" + strconv.Itoa(p+k) }
				vals = append(vals, "("+strings.Join([]string{ph(1), ph(2), ph(3), "'service'", "''", ph(4), ph(5), ph(6), ph(7), ph(8), ph(9),
					"'recorded'", ph(10), ph(10)}, ", ")+")")
				args = append(args, x.id, fmt.Sprintf("活动%d", i), themes[r.IntN(len(themes))], start.UTC(), start.Add(2*time.Hour).UTC(),
					start.Format(time.DateOnly), x.comm, x.comm[:9], x.comm[:6], time.Now().UTC())
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO activities (org_id, title, theme, kind, fields, starts_at, ends_at, starts_on,
				community_code, street_code, district_code, status, created_at, updated_at) VALUES `+strings.Join(vals, ", "), args...)
			return err
		})
		if err != nil {
			return err
		}
	}
	_, err = a.DB.Write.ExecContext(ctx, `INSERT INTO portal_publications (org_id, activities, updated_at)
		SELECT id, 1, $2 FROM orgs WHERE district_code = $1 AND status = 'active' ON CONFLICT (org_id) DO NOTHING`, dist, time.Now().UTC())
	if err != nil {
		return err
	}
	return dbtest.Vacuum(ctx, a.DB, "activities", "portal_publications")
}
