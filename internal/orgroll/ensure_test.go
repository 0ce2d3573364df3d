package orgroll_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"linli/internal/geo/geotest"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// A rollup a migration asked for (org_roll_state.built = 0) is rebuilt by
// Ensure to the same rows the writers kept, and, on PostgreSQL, the
// rebuilt tables are vacuumed and analyzed at once (their old rows dead,
// their statistics those before the rebuild); a second Ensure does nothing.
func TestEnsureRebuildsAndVacuums(t *testing.T) {
	ctx := context.Background()
	d, st := geotest.Open(t)
	reg := &registry.Service{DB: d, Geo: st, Now: time.Now}
	users := registrytest.Auth(d, st, reg, time.Now)
	admin := registrytest.Named(t, ctx, users, "admin", auth.CityAdmin, "4401")
	for _, street := range []string{"440106008", "440111020"} {
		cs, err := st.Children(ctx, street)
		if err != nil || len(cs) == 0 {
			t.Fatalf("communities of %s: %v", street, err)
		}
		in := registrytest.ActiveInput("组织"+street, cs[0].Code)
		in.Hub = true
		registrytest.Org(t, ctx, reg, admin, in)
	}
	rows := func() []string {
		t.Helper()
		r, err := d.Read.QueryContext(ctx, `SELECT rk || ' ' || day || ' ' || CAST(n AS TEXT) || ' ' || CAST(nl AS TEXT) FROM org_roll ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		out, err := db.Column[string](r)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	kept := rows()
	if len(kept) == 0 {
		t.Fatal("no rollup rows kept by the writers")
	}
	if _, err := d.Write.ExecContext(ctx, `UPDATE org_roll_state SET built = 0`); err != nil {
		t.Fatal(err)
	}
	if built, err := orgroll.Ensure(ctx, d); err != nil || !built {
		t.Fatalf("Ensure: built %v, %v", built, err)
	}
	if got := rows(); !slices.Equal(got, kept) {
		t.Errorf("rebuilt rollup:\n%q\nkept by the writers:\n%q", got, kept)
	}
	if d.Engine == db.Postgres {
		for _, tbl := range []string{"org_roll", "org_roll_keys", "org_segs"} {
			var vacuumed, analyzed bool
			if err := d.Read.QueryRowContext(ctx, `SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables
				WHERE relname = $1`, tbl).Scan(&vacuumed, &analyzed); err != nil {
				t.Fatal(err)
			}
			if !vacuumed || !analyzed {
				t.Errorf("%s after the rebuild: vacuumed %v, analyzed %v", tbl, vacuumed, analyzed)
			}
		}
	}
	if built, err := orgroll.Ensure(ctx, d); err != nil || built {
		t.Fatalf("Ensure again: built %v, %v", built, err)
	}
}
