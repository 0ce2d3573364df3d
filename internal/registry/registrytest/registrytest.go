// Package registrytest creates what a room's tests stand on, through the
// services and so by their rules: the auth service over the registry,
// accounts, and organizations.
package registrytest

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// Auth is the auth service a room's tests create accounts with: sessions
// idle and absolute of an hour, organizations from reg, divisions from st,
// time from now.
func Auth(d *db.DB, st *geo.Store, reg *registry.Service, now func() time.Time) *auth.Service {
	return &auth.Service{DB: d, Now: now, IdleTimeout: time.Hour, AbsTimeout: time.Hour, Orgs: reg, DivisionExists: st.Exists,
		Hashing: auth.Cheapest()}
}

// User creates the account in through users; an error fails the test.
func User(tb testing.TB, ctx context.Context, users *auth.Service, in auth.NewUser) *auth.User {
	tb.Helper()
	u, err := users.CreateUser(ctx, nil, in)
	if err != nil {
		tb.Fatalf("registrytest: user %s (%s): %v", in.Username, in.Role, err)
	}
	return u
}

// Named creates, through users, the account name (its display name too)
// of role at scope, with Password; an error fails the test.
func Named(tb testing.TB, ctx context.Context, users *auth.Service, name, role, scope string) *auth.User {
	tb.Helper()
	return User(tb, ctx, users, auth.NewUser{Username: name, DisplayName: name, Role: role, ScopeCode: scope, Password: Password})
}

// Input is a valid filing of a community-tier organization in community:
// culture and sports, for the elderly, led by 陈大文 (13800138000), founded
// on 2020-03-01, 12 members.
func Input(name, community string) registry.Input {
	return registry.Input{Name: name, Tier: registry.TierCommunity, Types: []string{"culture_sports"},
		TargetGroups: []string{"elderly"}, CommunityCode: community, LeaderName: "陈大文",
		LeaderPhone: "13800138000", FoundedOn: "2020-03-01", Members: 12}
}

// ActiveInput is Input recorded as already active: an organization the
// registry takes in as it stands, the ground most rooms' tests need.
func ActiveInput(name, community string) registry.Input {
	in := Input(name, community)
	in.Status = registry.StatusActive
	return in
}

// Org creates the organization in through the registry's form, as by; an
// error fails the test.
func Org(tb testing.TB, ctx context.Context, reg *registry.Service, by *auth.User, in registry.Input) *registry.Org {
	tb.Helper()
	o, err := reg.Create(ctx, by, in)
	if err != nil {
		tb.Fatalf("registrytest: org %s: %v", in.Name, err)
	}
	return o
}

// Versions reads the version of each district (orgroll.Changes: the sum
// of its change counters); an error fails the test.
func Versions(tb testing.TB, ctx context.Context, d *db.DB, districts ...string) map[string]int64 {
	tb.Helper()
	out := map[string]int64{}
	for _, dist := range districts {
		n, err := orgroll.Changes(ctx, d, dist)
		if err != nil {
			tb.Fatalf("registrytest: version of %s: %v", dist, err)
		}
		out[dist] = n
	}
	return out
}

// CheckMoved checks that the version of each district of writes
// (Versions) moved since before at least once per committed write that
// touched it (writes[district]).
func CheckMoved(tb testing.TB, ctx context.Context, d *db.DB, before, writes map[string]int64) {
	tb.Helper()
	districts := slices.Sorted(maps.Keys(writes))
	after := Versions(tb, ctx, d, districts...)
	for _, dist := range districts {
		if got := after[dist] - before[dist]; got < writes[dist] {
			tb.Errorf("district %s: counter moved %d, by %d committed writes", dist, got, writes[dist])
		}
	}
}

// Writer is one of the writers Race runs: Write(i) for i from 0 to
// Rounds-1, one after another.
type Writer struct {
	Name   string
	Rounds int
	Write  func(i int) error
}

// Race runs the writers together, each its rounds in turn, and returns how
// many writes committed (returned no error). If any failed, the test fails
// with how many, by writer, and the first.
func Race(tb testing.TB, writers ...Writer) int64 {
	tb.Helper()
	var mu sync.Mutex
	var failures []string
	failed := map[string]int{}
	committed, total := int64(0), 0
	var wg sync.WaitGroup
	for _, w := range writers {
		total += w.Rounds
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range w.Rounds {
				err := w.Write(i)
				mu.Lock()
				if err != nil {
					failures = append(failures, fmt.Sprintf("%s, round %d: %v", w.Name, i, err))
					failed[w.Name]++
				} else {
					committed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		tb.Fatalf("%d of %d writes failed (%v), the first: %s", len(failures), total, failed, failures[0])
	}
	return committed
}

// Holder is a writer that took the change counters of some districts
// first (orgroll.LockDistricts) and holds them until Release, so that a
// test can line other writers up behind it. Only PostgreSQL has the locks
// (on SQLite writers take the whole database in turn).
type Holder struct {
	tb  testing.TB
	ctx context.Context
	d   *db.DB
	tx  *sql.Tx
	end func()
	pid int
}

// Hold takes the counters of the districts of codes in a transaction of
// its own; an error fails the test, and so does Hold on SQLite.
func Hold(tb testing.TB, ctx context.Context, d *db.DB, codes ...string) *Holder {
	tb.Helper()
	if d.Engine != db.Postgres {
		tb.Fatal("registrytest: Hold needs PostgreSQL's locks")
	}
	tx, end, err := d.Begin(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	h := &Holder{tb: tb, ctx: ctx, d: d, tx: tx, end: end}
	tb.Cleanup(h.Release)
	if err := tx.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&h.pid); err != nil {
		tb.Fatalf("registrytest: hold: %v", err)
	}
	if _, err := orgroll.LockDistricts(ctx, tx, d.Dialect, codes); err != nil {
		tb.Fatalf("registrytest: hold %v: %v", codes, err)
	}
	return h
}

// WaitQueued returns once n sessions wait for the holder's locks, or
// behind one that does; it fails the test if they never queue (after
// half a minute: a writer that took another way).
func (h *Holder) WaitQueued(n int) {
	h.tb.Helper()
	for range 3000 {
		queued, err := db.Scalar[int](h.ctx, h.d.Read, `WITH RECURSIVE w(pid) AS (
				SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
				UNION SELECT a.pid FROM pg_stat_activity a JOIN w ON w.pid = ANY(pg_blocking_pids(a.pid)))
			SELECT COUNT(*) FROM w`, h.pid)
		if err != nil {
			h.tb.Fatalf("registrytest: sessions waiting: %v", err)
		}
		if queued >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.tb.Fatalf("registrytest: %d sessions never waited for the counters held", n)
}

// Release ends the holder's transaction, letting the writers behind it go
// on (again: nothing).
func (h *Holder) Release() {
	if h.tx == nil {
		return
	}
	if err := h.tx.Commit(); err != nil {
		h.tb.Errorf("registrytest: release: %v", err)
	}
	h.end()
	h.tx = nil
}

// CheckRecords checks that the tally (CheckTally) and the dated rollup
// (orgroll) equal what the records give: the rollup as a rebuild from the
// records writes it.
func CheckRecords(tb testing.TB, ctx context.Context, d *db.DB) {
	tb.Helper()
	CheckTally(tb, ctx, d)
	roll := rollRows(tb, ctx, d)
	if err := orgroll.Rebuild(ctx, d); err != nil {
		tb.Fatal(err)
	}
	if rebuilt := rollRows(tb, ctx, d); !slices.Equal(roll, rebuilt) {
		tb.Errorf("dated rollup after the writers:\n%v\nrebuilt from the records:\n%v", roll, rebuilt)
	}
}

// CheckTally compares org_tally with counts over orgs, by district and by
// street.
func CheckTally(tb testing.TB, ctx context.Context, d *db.DB) {
	tb.Helper()
	rows := func(q string) []string {
		r, err := d.Read.QueryContext(ctx, q)
		if err != nil {
			tb.Fatal(err)
		}
		defer r.Close()
		var out []string
		for r.Next() {
			var lvl, n, hubs, brands int
			var code, status, tier string
			if err := r.Scan(&lvl, &code, &status, &tier, &n, &hubs, &brands); err != nil {
				tb.Fatal(err)
			}
			out = append(out, string(rune('0'+lvl))+" "+code+" "+status+" "+tier+" "+string(rune('0'+n))+
				" "+string(rune('0'+hubs))+" "+string(rune('0'+brands)))
		}
		slices.Sort(out)
		return out
	}
	got := rows(`SELECT lvl, code, status, tier, n, hubs, brands FROM org_tally WHERE n <> 0 OR hubs <> 0 OR brands <> 0`)
	want := rows(`SELECT 3, district_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY district_code, status, tier
		UNION ALL SELECT 4, street_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY street_code, status, tier`)
	if !slices.Equal(got, want) {
		tb.Fatalf("tally\n%q\nrecords\n%q", got, want)
	}
}

// rollRows lists the dated rollup's counts that are not zero.
func rollRows(tb testing.TB, ctx context.Context, d *db.DB) []string {
	tb.Helper()
	rows, err := d.Read.QueryContext(ctx, `SELECT rk, day, n, nl FROM org_roll ORDER BY rk, day`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	last := map[string]string{}
	for rows.Next() {
		var rk, day string
		var n, nl int
		if err := rows.Scan(&rk, &day, &n, &nl); err != nil {
			tb.Fatal(err)
		}
		// a row repeating its key's count (left by a change undone the
		// same day) says nothing a rebuild would write
		c := fmt.Sprintf("%d/%d", n, nl)
		if prev, ok := last[rk]; (ok && prev == c) || (!ok && n == 0 && nl == 0) {
			continue
		}
		last[rk] = c
		out = append(out, rk+" "+day+" "+c)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
