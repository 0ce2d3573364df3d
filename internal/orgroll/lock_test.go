package orgroll_test

import (
	"context"
	"database/sql"
	"testing"

	"linli/internal/geo/geotest"
	"linli/internal/orgroll"
	"linli/internal/platform/db"
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
