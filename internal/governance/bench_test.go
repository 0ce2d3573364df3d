package governance_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/governance"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// BenchmarkGovernance measures, over LINLI_BENCH_ORGS active organizations
// (default 2,000) in 天河's communities, each under a quarterly cycle with
// its 2022 and 2023-Q1 reports (one in ten missing) and an election (one
// in three overdue): a district's and a committee's work-report list of
// 2023 with what is owed, the district's overdue terms, an organization's
// charter and its PDF. Each op's median and p99 over 50 requests is logged.
func BenchmarkGovernance(b *testing.B) {
	n := dbtest.Size("LINLI_BENCH_ORGS", 2000)
	a := apptest.New(b)
	ctx := context.Background()
	district := a.CreateUser("tianhe", auth.DistrictOfficer, tianhe, 0)
	comms := dbtest.Strings(b, a.DB, `SELECT code FROM divisions WHERE code LIKE '440106%' AND length(code) = 12 ORDER BY code`)
	t0 := time.Now()
	a.Import(district, n, func(i int) registry.Input {
		return apptest.ActiveInput(fmt.Sprintf("天河治理测试组织%d", i), comms[i%len(comms)])
	})
	var ids []int64
	var places [][3]string
	rows, _ := a.DB.Read.Query(`SELECT id, community_code, street_code FROM orgs ORDER BY id`)
	for rows.Next() {
		var id int64
		var c, s string
		rows.Scan(&id, &c, &s)
		ids = append(ids, id)
		places = append(places, [3]string{c, s})
	}
	rows.Close()
	now := time.Now()
	err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, c := range comms {
			if _, err := tx.Exec(`INSERT INTO report_cycles (community_code, cycle, effective_on, updated_at) VALUES ($1, 'quarterly', '2022-01-01', $2)`, c, now); err != nil {
				return err
			}
		}
		for i, id := range ids {
			for _, k := range []string{"2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1"} {
				if (i+len(k))%10 == 0 {
					continue
				}
				p, _ := governance.ParsePeriod(k)
				if _, err := tx.Exec(`INSERT INTO work_reports (org_id, period, period_start, period_end, due_on, community_code,
					street_code, district_code, body, status, first_submitted_on, submitted_on, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '季度工作', 'submitted', $5, $5, $9, $9)`,
					id, k, p.Start, p.End, p.DueOn, places[i][0], places[i][1], tianhe, now); err != nil {
					return err
				}
			}
			held := []string{"2019-05-01", "2021-05-01", "2022-05-01"}[i%3]
			var eid int64
			if err := tx.QueryRow(`INSERT INTO elections (org_id, held_on, present, term_years, term_ends_on, community_code, created_at)
				VALUES ($1, $2, 10, 3, $3, $4, $5) RETURNING id`, id, held, governance.TermEnd(held, 3), places[i][0], now).Scan(&eid); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO election_candidates (election_id, name, post, votes, elected) VALUES ($1, '陈大文', 'leader', 9, 1)`, eid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := dbtest.Vacuum(ctx, a.DB, "work_reports", "elections", "election_candidates", "orgs", "report_cycles"); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d organizations and their reports written in %v on %s", len(ids), time.Since(t0).Round(time.Millisecond), a.DB.Engine)
	committee := a.CreateUser("committee", auth.CommunityCommittee, comms[0], 0)
	dc, cc := a.As(district), a.As(committee)
	org := "/api/v1/orgs/" + strconv.FormatInt(ids[0], 10)
	for _, op := range []struct {
		name string
		c    *apptest.Client
		path string
	}{
		{"district work reports 2023", dc, "/api/v1/work-reports?year=2023"},
		{"committee work reports 2023", cc, "/api/v1/work-reports?year=2023"},
		{"district overdue terms", dc, "/api/v1/overdue-terms"},
		{"charter (model text)", dc, org + "/charter"},
		{"charter PDF", dc, org + "/charter.pdf"},
		{"committee inbox page", cc, "/work-reports?year=2023"},
	} {
		var ds dbtest.Latencies
		for i := 0; i < 50; i++ {
			var r *apptest.Response
			ds.Time(func() { r = op.c.Do("GET", op.path, nil) })
			if r.Status != http.StatusOK {
				b.Fatalf("%s: %d %s", op.name, r.Status, r.Body)
			}
		}
		b.Logf("%s on %s: median %v, p99 %v", op.name, a.DB.Engine, ds.Median().Round(time.Microsecond), ds.P99().Round(time.Microsecond))
	}
	for i := 0; i < b.N; i++ {
		dc.Do("GET", "/api/v1/work-reports?year=2023", nil)
	}
}
