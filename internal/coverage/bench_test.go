package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// benchOrgs is how many organizations the benchmark's city holds
// (LINLI_COVERAGE_BENCH_ORGS overrides).
func benchOrgs() int {
	if n, err := strconv.Atoi(os.Getenv("LINLI_COVERAGE_BENCH_ORGS")); err == nil && n > 0 {
		return n
	}
	return 200000
}

// benchWorld fills Guangzhou with generated organizations, written in bulk
// through plain INSERTs (so the triggers keep org_cover as they would for
// any writer), each with its dated status history.
func benchWorld(b *testing.B) (*Service, *db.DB) {
	b.Helper()
	ctx := context.Background()
	d := dbtest.Open(b)
	st := &geo.Store{DB: d}
	if _, err := (&geo.Importer{Store: st}).LoadGuangzhou(ctx); err != nil {
		b.Fatal(err)
	}
	var comms []string
	rows, err := d.Read.Query(`SELECT code FROM divisions WHERE level = 5 ORDER BY code`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		comms = append(comms, c)
	}
	rows.Close()
	r := rand.New(rand.NewPCG(1, 2))
	n := benchOrgs()
	start := time.Now()
	at := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
	statuses := []string{"active", "active", "active", "active", "active", "active", "suspended", "deregistered", "pending"}
	tiers := []string{"registered", "street", "community", "community"}
	const batch = 500
	for lo := 0; lo < n; lo += batch {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			var vals []string
			var args []any
			for i := lo; i < min(lo+batch, n); i++ {
				// a quarter of the communities stay without any organization
				k := r.IntN(len(comms))
				for k%4 == 3 {
					k = r.IntN(len(comms))
				}
				c := comms[k]
				groups := int64(1<<r.IntN(11)) | int64(1<<r.IntN(4))
				types := int64(1 << r.IntN(6))
				name := "组织" + strconv.Itoa(i)
				p := len(args)
				vals = append(vals, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
					p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11, p+12))
				args = append(args, name, name, tiers[r.IntN(len(tiers))], types, groups, c, c[:9], c[:6],
					statuses[r.IntN(len(statuses))], r.IntN(4)/3, at, at)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO orgs (name, name_key, tier, types_mask, groups_mask, community_code,
				street_code, district_code, status, volunteer_mark, created_at, updated_at) VALUES `+strings.Join(vals, ", "), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.Write.Exec(`INSERT INTO org_history (org_id, field, old_value, value, at, username)
		SELECT id, 'status', '', status, $1, 'bench' FROM orgs`, at); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d organizations written in %v on %s", n, time.Since(start).Round(time.Millisecond), d.Engine)
	now := time.Date(2023, 6, 1, 2, 0, 0, 0, time.UTC)
	return &Service{DB: d, Geo: st, Now: func() time.Time { return now }}, d
}

// BenchmarkReport measures the reports of the city (11 district rows) and of
// its largest district (by organizations), today (rollup) and on a past date
// (records and history).
func BenchmarkReport(b *testing.B) {
	s, d := benchWorld(b)
	ctx := context.Background()
	var big string
	if err := d.Read.QueryRow(`SELECT district_code FROM orgs GROUP BY district_code ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&big); err != nil {
		b.Fatal(err)
	}
	u := &auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}
	for _, c := range []struct{ name, unit, asOf string }{
		{"city", "4401", ""}, {"district", big, ""}, {"city_past", "4401", "2022-12-31"}, {"district_past", big, "2022-12-31"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := s.Report(ctx, u, Query{Unit: c.unit, By: ByGroup, AsOf: c.asOf}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInsertCost measures what the rollup's triggers add to writing
// organizations: batches of 500 plain INSERTs into orgs, with the triggers
// and with them dropped (ns/op is per organization).
func BenchmarkInsertCost(b *testing.B) {
	for _, keep := range []bool{true, false} {
		name := map[bool]string{true: "with_rollup", false: "without_rollup"}[keep]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b)
			st := &geo.Store{DB: d}
			if _, err := (&geo.Importer{Store: st}).LoadGuangzhou(ctx); err != nil {
				b.Fatal(err)
			}
			if !keep {
				drop := []string{`DROP TRIGGER org_cover_change ON orgs`}
				if d.Engine == db.SQLite {
					drop = []string{`DROP TRIGGER org_cover_ai`, `DROP TRIGGER org_cover_ad`, `DROP TRIGGER org_cover_au_old`, `DROP TRIGGER org_cover_au_new`}
				}
				for _, q := range drop {
					if _, err := d.Write.Exec(q); err != nil {
						b.Fatal(err)
					}
				}
			}
			at := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for lo := 0; lo < b.N; lo += 500 {
				err := d.Tx(ctx, func(tx *sql.Tx) error {
					var vals []string
					var args []any
					for i := lo; i < min(lo+500, b.N); i++ {
						p := len(args)
						vals = append(vals, fmt.Sprintf("($%d, $%d, 'community', 9, 5, '440106008007', '440106008', '440106', 'active', $%d, $%d)", p+1, p+2, p+3, p+4))
						args = append(args, "组织"+strconv.Itoa(i), "组织"+strconv.Itoa(i), at, at)
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO orgs (name, name_key, tier, types_mask, groups_mask, community_code,
						street_code, district_code, status, created_at, updated_at) VALUES `+strings.Join(vals, ", "), args...)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
