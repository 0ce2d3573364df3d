package orgroll_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/geo/geotest"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// withRegistry opens a test database with the registry's service over it
// and a city administrator of Guangzhou, whose writes keep the rollup.
func withRegistry(t *testing.T, ctx context.Context) (*db.DB, *geo.Store, *registry.Service, *auth.User) {
	t.Helper()
	d, st := geotest.Open(t)
	reg := &registry.Service{DB: d, Geo: st, Now: time.Now}
	users := registrytest.Auth(d, st, reg, time.Now)
	return d, st, reg, registrytest.Named(t, ctx, users, "admin", auth.CityAdmin, "4401")
}

// A rollup a migration asked for (org_roll_state.built = 0) is rebuilt by
// Ensure to the same rows the writers kept, and, on PostgreSQL, the
// rebuilt tables are vacuumed and analyzed at once (their old rows dead,
// their statistics those before the rebuild); a second Ensure does nothing.
func TestEnsureRebuildsAndVacuums(t *testing.T) {
	ctx := context.Background()
	d, st, reg, admin := withRegistry(t, ctx)
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

// Ensure's rebuild while other replicas serve (PostgreSQL: new tables
// swapped in, rebuild.go). The test pauses the rebuild after it has
// written the new tables and before the swap, by holding org_roll_state's
// row, and meanwhile: a reader of the rollup goes on without waiting for
// any lock (and reads the old rows); a writer on another connection (a
// deregistration) and a second replica's Ensure queue behind the rebuild.
// Once it is let go: the second Ensure builds nothing, the writer's change
// is counted, the rollup equals a rebuild from the records, the tables
// keep their columns, collations and index names, and org_roll holds no
// more pages than before (a DELETE and the rows written again doubled
// them). On SQLite, whose writers take the database in turn, the same
// without the pause.
func TestEnsureWhileServing(t *testing.T) {
	ctx := context.Background()
	d, st, reg, admin := withRegistry(t, ctx)
	pg := d.Engine == db.Postgres
	cs, err := st.Children(ctx, "440106008")
	if err != nil || len(cs) == 0 {
		t.Fatalf("communities: %v", err)
	}
	var orgs []*registry.Org
	for i := range 40 {
		in := registrytest.ActiveInput(fmt.Sprintf("组织%02d", i), cs[i%len(cs)].Code)
		in.Hub = i%3 == 0
		orgs = append(orgs, registrytest.Org(t, ctx, reg, admin, in))
	}
	today := orgroll.Day(time.Now())
	active := func() int {
		t.Helper()
		m, err := orgroll.Read(ctx, d.Read, 3, []string{orgroll.DimAll}, "440106", "440107", today)
		if err != nil {
			t.Fatal(err)
		}
		return orgroll.Sum(m)
	}
	if n := active(); n != len(orgs) {
		t.Fatalf("天河区 active today: %d, want %d", n, len(orgs))
	}
	strs := func(q string) []string {
		t.Helper()
		return dbtest.Strings(t, d, q)
	}
	// the tables' columns and indexes, and org_roll's pages (PostgreSQL)
	const schemaQ = `SELECT table_name || ' ' || column_name || ' ' || data_type || ' ' || COALESCE(collation_name, '') || ' ' ||
			is_nullable || ' ' || COALESCE(column_default, '') FROM information_schema.columns
		WHERE table_name IN ('org_segs', 'org_roll', 'org_roll_keys') AND table_schema = current_schema()
		UNION ALL SELECT indexname || ' ' || indexdef FROM pg_indexes
		WHERE tablename IN ('org_segs', 'org_roll', 'org_roll_keys') AND schemaname = current_schema() ORDER BY 1`
	const pagesQ = `SELECT pg_relation_size('org_roll') / current_setting('block_size')::int`
	var schema []string
	pages := 0
	if pg {
		schema = strs(schemaQ)
		if pages, err = db.Scalar[int](ctx, d.Read, pagesQ); err != nil {
			t.Fatal(err)
		}
		// the rows written again go past the pages their dead copies
		// hold, so from two full pages on a doubled table shows (the
		// count here is 3 or 4, as autovacuum did or did not trim the last)
		if pages < 2 {
			t.Fatalf("org_roll: %d pages, too few to tell a doubled table", pages)
		}
	}
	if _, err := d.Write.ExecContext(ctx, `UPDATE org_roll_state SET built = 0`); err != nil {
		t.Fatal(err)
	}
	gone := orgs[5]
	deregister := func() error {
		_, err := reg.Move(ctx, admin, gone.ID, registry.Move{Action: registry.ActDeregister, Reason: "合并"})
		return err
	}
	type result struct {
		built bool
		err   error
	}
	if !pg {
		if built, err := orgroll.Ensure(ctx, d); err != nil || !built {
			t.Fatalf("Ensure: built %v, %v", built, err)
		}
		if err := deregister(); err != nil {
			t.Fatal(err)
		}
	} else {
		pause, end, err := d.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var pausePID int
		if err := pause.QueryRowContext(ctx, `SELECT pg_backend_pid() FROM org_roll_state FOR UPDATE`).Scan(&pausePID); err != nil {
			t.Fatal(err)
		}
		first, second, writer := make(chan result, 1), make(chan result, 1), make(chan error, 1)
		go func() {
			built, err := orgroll.Ensure(ctx, d)
			first <- result{built, err}
		}()
		rebuilder := waitBlocked(t, ctx, d, pausePID, 1)[0]
		// a reader goes on (lock_timeout: it fails if it must wait for a
		// lock at all), and reads the rollup as it was
		conn, err := d.Read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, `SET lock_timeout = '100ms'`); err != nil {
			t.Fatal(err)
		}
		var segs, keys int
		if err := conn.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM org_segs), (SELECT COUNT(*) FROM org_roll_keys)`).Scan(&segs, &keys); err != nil {
			t.Errorf("a reader during the rebuild: %v", err)
		} else if segs != len(orgs) || keys == 0 {
			t.Errorf("a reader during the rebuild: %d timelines and %d keys, want %d and some", segs, keys, len(orgs))
		}
		if _, err := conn.ExecContext(ctx, `RESET lock_timeout`); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		go func() { writer <- deregister() }()
		waitBlocked(t, ctx, d, rebuilder, 1)
		go func() {
			built, err := orgroll.Ensure(ctx, d)
			second <- result{built, err}
		}()
		waitBlocked(t, ctx, d, rebuilder, 2)
		if err := pause.Commit(); err != nil {
			t.Fatal(err)
		}
		end()
		if r := <-first; r.err != nil || !r.built {
			t.Fatalf("Ensure: built %v, %v", r.built, r.err)
		}
		if r := <-second; r.err != nil || r.built {
			t.Errorf("the second replica's Ensure: built %v, %v; want nothing built", r.built, r.err)
		}
		if err := <-writer; err != nil {
			t.Fatalf("the write during the rebuild: %v", err)
		}
	}
	if n := active(); n != len(orgs)-1 {
		t.Errorf("天河区 active today after the rebuild and a deregistration: %d, want %d", n, len(orgs)-1)
	}
	registrytest.CheckRecords(t, ctx, d)
	if pg {
		if got := strs(schemaQ); !slices.Equal(got, schema) {
			t.Errorf("the rollup's tables after the rebuild:\n%q\nbefore:\n%q", got, schema)
		}
		after, err := db.Scalar[int](ctx, d.Read, pagesQ)
		if err != nil {
			t.Fatal(err)
		}
		if after > pages {
			t.Errorf("org_roll: %d pages after the rebuild, %d before", after, pages)
		}
	}
}

// waitBlocked returns the sessions waiting for a lock held by pid, once
// there are n; it fails the test if there never are (after half a
// minute: a session that took another way).
func waitBlocked(t *testing.T, ctx context.Context, d *db.DB, pid, n int) []int {
	t.Helper()
	for range 3000 {
		got := dbtest.Strings(t, d, `SELECT CAST(pid AS TEXT) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) ORDER BY pid`, pid)
		if len(got) >= n {
			pids := make([]int, len(got))
			for i, p := range got {
				pids[i], _ = strconv.Atoi(p)
			}
			return pids
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d sessions never waited for session %d", n, pid)
	return nil
}
