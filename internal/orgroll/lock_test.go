package orgroll_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"linli/internal/geo/geotest"
	"linli/internal/orgroll"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// LockDistricts holds the counters of the districts of the codes it is
// given and advances none; a district whose counter row is missing gets
// one counting nothing, a code naming no district none. LockScope holds
// every district under a unit. On SQLite the writer holds the whole
// database: every district is covered and nothing is written.
func TestLockDistricts(t *testing.T) {
	ctx := context.Background()
	d, _ := geotest.Open(t)
	if _, err := d.Write.ExecContext(ctx, `DELETE FROM kpi_changes WHERE district = '440111'`); err != nil {
		t.Fatal(err)
	}
	sum := func() int64 {
		t.Helper()
		n, err := db.Scalar[int64](ctx, d.Read, `SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM kpi_changes`)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := sum()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		held, err := orgroll.LockDistricts(ctx, tx, d.Dialect, []string{"440111020001", "440106", "999999", "44"})
		if err != nil {
			return err
		}
		pg := d.Engine == db.Postgres
		for dist, want := range map[string]bool{"440111": true, "440106": true, "440105": !pg, "999999": !pg} {
			if held.Covers(dist) != want {
				t.Errorf("locked: covers %s = %v, want %v", dist, !want, want)
			}
		}
		scope, err := orgroll.LockScope(ctx, tx, d.Dialect, "4401")
		if err != nil {
			return err
		}
		for dist, want := range map[string]bool{"440103": true, "440118": true, "440305": !pg} {
			if scope.Covers(dist) != want {
				t.Errorf("scope 4401: covers %s = %v, want %v", dist, !want, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if after := sum(); after != before {
		t.Errorf("the counters moved by %d", after-before)
	}
	// the missing counter's row is made where there are locks to take
	made := 0
	if d.Engine == db.Postgres {
		made = 1
	}
	for dist, want := range map[string]int{"440111": made, "999999": 0} {
		n, err := db.Scalar[int](ctx, d.Read, `SELECT COUNT(*) FROM kpi_changes WHERE district = $1`, dist)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("district %s: %d counter rows, want %d", dist, n, want)
		}
	}
}

// BenchmarkLockScope measures what an import's lock costs over a district
// (天河区) of 5,000 organizations with six history rows each, one in twenty
// moved in from another district (海珠区, of as many organizations), which
// the lock then holds too, against the lock of the district alone
// (LockDistricts: what an import took before it held the districts its
// organizations' timelines reach). On SQLite both take nothing.
func BenchmarkLockScope(b *testing.B) {
	ctx := context.Background()
	d, _ := geotest.Open(b)
	in := func(district string) []string {
		return dbtest.Strings(b, d, `SELECT code FROM divisions WHERE level = 5 AND code >= $1 AND code < $2 ORDER BY code`,
			district, district+"~")
	}
	tianhe, haizhu := in("440106"), in("440105")
	const orgs, batch = 10000, 200
	at := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	for start := 1; start <= orgs; start += batch {
		var o, h strings.Builder
		var oa, ha []any
		for id := start; id < start+batch; id++ {
			c := tianhe[id%len(tianhe)]
			if id%2 == 1 {
				c = haizhu[id%len(haizhu)]
			}
			if o.Len() > 0 {
				o.WriteString(", ")
			}
			var p string
			p, oa = db.InList([]any{id, fmt.Sprintf("组织%05d", id), fmt.Sprintf("组织%05d", id), "community", c, c[:9], c[:6],
				"active", at, at}, oa)
			o.WriteString(p)
			hist := [][]string{{"status", "", "active"}, {"tier", "", "community"}, {"party_org", "", "none"},
				{"volunteer_mark", "0", "1"}, {"types", "", "1"}, {"members", "10", "20"}}
			if id%40 == 0 {
				hist[5] = []string{"community", haizhu[0], c}
			}
			for _, e := range hist {
				if h.Len() > 0 {
					h.WriteString(", ")
				}
				p, ha = db.InList([]any{id, e[0], e[1], e[2], at}, ha)
				h.WriteString(p)
			}
		}
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO orgs (id, name, name_key, tier, community_code, street_code, district_code,
			status, created_at, updated_at) VALUES `+o.String(), oa...); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO org_history (org_id, field, old_value, value, at) VALUES `+h.String(), ha...); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.Write.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		lock func(tx *sql.Tx) (orgroll.Locked, error)
	}{
		{"district", func(tx *sql.Tx) (orgroll.Locked, error) {
			return orgroll.LockDistricts(ctx, tx, d.Dialect, []string{"440106"})
		}},
		{"scope", func(tx *sql.Tx) (orgroll.Locked, error) { return orgroll.LockScope(ctx, tx, d.Dialect, "440106") }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				tx, end, err := d.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				l, err := c.lock(tx)
				tx.Rollback()
				end()
				if err != nil {
					b.Fatal(err)
				}
				if want := c.name == "scope" || d.Engine != db.Postgres; l.Covers("440105") != want {
					b.Fatalf("holds 海珠区: %v, want %v", !want, want)
				}
			}
		})
	}
}

// BenchmarkLockScopeNational measures an import's lock on a generated
// national dataset (`linli bench --scale national`, 1.75 million
// organizations): for a district, a city, a province and the whole country,
// the districts it holds and the time to take them. On SQLite there is no
// lock to take (the writer is alone).
//
//	LINLI_ORGROLL_BENCH_DB=postgres://… go test -run '^$' -bench LockScopeNational -benchtime 10x ./internal/orgroll/
func BenchmarkLockScopeNational(b *testing.B) {
	ctx := context.Background()
	d := dbtest.Dataset(b, "LINLI_ORGROLL_BENCH_DB")
	for _, c := range []struct{ name, code string }{
		{"district", "440106"}, {"city", "4401"}, {"province", "44"}, {"country", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			held := 0
			for b.Loop() {
				tx, end, err := d.Begin(ctx)
				if err != nil {
					b.Fatal(err)
				}
				l, err := orgroll.LockScope(ctx, tx, d.Dialect, c.code)
				tx.Rollback()
				end()
				if err != nil {
					b.Fatal(err)
				}
				held = l.Held()
			}
			b.ReportMetric(float64(held), "districts")
		})
	}
}
