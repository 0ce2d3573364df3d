package funding_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
)

// BenchmarkProjectPage measures the project page (GET /projects/{id}, as
// the district officer who manages the call: every form drawn) and the call
// list (GET /calls) over funding tables of national size: by default
// 300,000 projects (about 2,850 districts × 35 a year × 3 years) with 3
// budget lines, 2 milestones, 2 tranches and 4 tagged paid expenses each,
// in 15,000 calls, written in bulk. The organizations are few (the page
// reads an organization by its key; the registry's own national figures
// are in docs/PERFORMANCE.md). Median and p99 per request are reported.
//
//	LINLI_BENCH_PROJECTS=300000 go test ./internal/funding/ -run '^$' -bench ProjectPage -benchtime 400x
func BenchmarkProjectPage(b *testing.B) {
	n := dbtest.Size("LINLI_BENCH_PROJECTS", 300_000)
	a := apptest.New(b)
	ctx := context.Background()
	officer := a.CreateUser("bench-th-officer", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("bench-ws-officer", auth.StreetOfficer, wushan, 0)
	var orgs []int64
	for i := range 50 {
		orgs = append(orgs, a.ActiveOrg(street, fmt.Sprintf("承接组织%03d", i), wushanComm).ID)
	}
	start := time.Now()
	tx, err := a.DB.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q[:40], err)
		}
	}
	now := a.Clock.Now()
	var receipt int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO receipts (hub_org_id, org_id, content_type, size_bytes, sha256, filename, data, created_at)
		VALUES ($1, $1, 'application/pdf', 4, 'x', 'r.pdf', $2, $3) RETURNING id`, orgs[0], []byte("%PDF"), now).Scan(&receipt); err != nil {
		b.Fatal(err)
	}
	calls := max(n/20, 1)
	for i, id := range orgs {
		if id != orgs[0]+int64(i) {
			b.Fatalf("organization ids are not contiguous: %v", orgs)
		}
	}
	// one statement per table: a counter made by a recursive CTE (both engines)
	series := func(count int) string {
		return fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) `, count)
	}
	org := fmt.Sprintf("(%d + i %% %d)", orgs[0], len(orgs))
	call := fmt.Sprintf("((i - 1) %% %d + 1)", calls)
	exec(series(calls)+`INSERT INTO fund_calls (id, title, channel, unit_code, budget_fen, criteria, opens_on, closes_on, created_by, created_at, updated_at)
		SELECT i, '公益创投' || i, 'venture_philanthropy', '`+tianhe+`', 100000000, '[{"key":"need","name":"需求","weight":1,"max":10}]',
		'2022-06-01', '2022-06-30', `+strconv.FormatInt(officer.ID, 10)+`, $1, $1 FROM s`, now)
	exec(series(n)+`INSERT INTO fund_applications (id, call_id, org_id, community_code, title, request_fen, budget, status, created_by, created_at, updated_at)
		SELECT i, `+call+`, `+org+`, '`+wushanComm+`', '项目' || i, 300000,
		'[{"item":"物资","amount_fen":100000},{"item":"场地","amount_fen":100000},{"item":"宣传","amount_fen":100000}]', 'submitted', 1, $1, $1 FROM s`, now)
	exec(series(n)+`INSERT INTO fund_projects (id, call_id, application_id, org_id, community_code, street_code, district_code, title, award_fen, awarded_on,
		status, created_by, created_at) SELECT i, `+call+`, i, `+org+`, '`+wushanComm+`', '`+wushan+`', '`+tianhe+`', '项目' || i, 300000, '2022-07-20',
		'active', 1, $1 FROM s`, now)
	for line, item := range []string{"物资", "场地", "宣传"} {
		exec(series(n) + `INSERT INTO fund_budget_lines (project_id, line_no, item, amount_fen) SELECT i, ` + strconv.Itoa(line+1) + `, '` + item + `', 100000 FROM s`)
	}
	exec(series(n) + `INSERT INTO fund_milestones (project_id, kind, title, due_on) SELECT i, 'midterm', '中期报告', '2023-01-20' FROM s`)
	exec(series(n) + `INSERT INTO fund_milestones (project_id, kind, title, due_on) SELECT i, 'closing', '结项报告', '2023-07-20' FROM s`)
	exec(series(n)+`INSERT INTO fund_tranches (project_id, amount_fen, paid_on, created_by, created_at) SELECT i, 150000, '2022-08-01', 1, $1 FROM s`, now)
	exec(series(n)+`INSERT INTO fund_tranches (project_id, amount_fen, paid_on, created_by, created_at) SELECT i, 100000, '2023-02-01', 1, $1 FROM s`, now)
	for _, item := range []string{"物资", "场地", "宣传", "物资"} {
		exec(series(n)+`INSERT INTO expenses (hub_org_id, org_id, amount_fen, purpose, payee, spent_on, receipt_id, status, submitted_by, submitted_at,
			updated_at, project_id, budget_line) SELECT `+org+`, `+org+`, 20000, '采购', '供应商', '2022-09-01', `+strconv.FormatInt(receipt, 10)+`,
			'paid', 1, $1, $1, i, '`+item+`' FROM s`, now)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := a.DB.Write.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d projects in %d calls written in %s", n, calls, time.Since(start).Round(time.Second))
	c := a.As(officer)
	r := rand.New(rand.NewPCG(1, 2))
	measure := func(b *testing.B, path func() string) {
		var ds dbtest.Latencies
		b.ResetTimer()
		for b.Loop() {
			var resp *apptest.Response
			ds.Time(func() { resp = c.Do("GET", path(), nil) })
			if resp.Status != http.StatusOK {
				b.Fatalf("%d: %s", resp.Status, resp.Body)
			}
		}
		ds.Report(b)
	}
	b.Run("project", func(b *testing.B) {
		measure(b, func() string { return fmt.Sprintf("/projects/%d", 1+r.IntN(n)) })
	})
	b.Run("project-api", func(b *testing.B) {
		measure(b, func() string { return fmt.Sprintf("/api/v1/projects/%d", 1+r.IntN(n)) })
	})
	b.Run("call", func(b *testing.B) {
		measure(b, func() string { return fmt.Sprintf("/calls/%d", 1+r.IntN(calls)) })
	})
	b.Run("calls", func(b *testing.B) {
		measure(b, func() string { return "/calls" })
	})
}
