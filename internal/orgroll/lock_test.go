package orgroll_test

import (
	"context"
	"database/sql"
	"maps"
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
	before := changeCounters(t, d)
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
	want := maps.Clone(before)
	if d.Engine == db.Postgres {
		want["440111"] = 0
	}
	if got := changeCounters(t, d); !maps.Equal(got, want) {
		t.Errorf("counters after the locks:\n got %v\nwant %v", got, want)
	}
}

func changeCounters(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	rows, err := d.Read.Query(`SELECT district, n FROM kpi_changes`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
