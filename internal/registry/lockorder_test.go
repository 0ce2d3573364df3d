package registry_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Writers of organizations in two districts, each touching both in the
// opposite order to another (a move from one to the other and back, hub
// designations of organizations that moved either way, an import whose
// rows alternate between them), run together many times: none may fail
// (on PostgreSQL, a deadlock between the districts' change counters,
// SQLSTATE 40P01, would), and afterwards every district's version
// (its counter, orgroll.Changes) has moved at least once per committed
// write that touched it, and the
// tally and the dated rollup equal what the records give.
func TestConcurrentWritersAcrossDistricts(t *testing.T) {
	f := setup(t)
	const haizhu = "440105001101" // 海珠区: its code sorts before 天河区's
	const rounds = 40
	ctx := f.ctx
	get := func(o *registry.Org) *registry.Org {
		t.Helper()
		o, err := f.reg.Get(ctx, f.admin, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	moveTo := func(o *registry.Org, community string) (*registry.Org, error) {
		in := registry.InputOf(get(o))
		in.CommunityCode = community
		return f.reg.Update(ctx, f.admin, o.ID, in)
	}
	// x moves 天河 → 海珠 → 天河 …, y 海珠 → 天河 → 海珠 …
	x := f.active(t, "天河舞蹈队", yulei, registry.TierCommunity)
	y := f.active(t, "海珠舞蹈队", haizhu, registry.TierCommunity)
	// hub designations of organizations that moved: h from 天河 to 海珠,
	// h2 from 海珠 to 天河 (their timelines reach both districts)
	h := f.active(t, "天河互助会", yulei, registry.TierCommunity)
	h2 := f.active(t, "海珠互助会", haizhu, registry.TierCommunity)
	for _, m := range []struct {
		o  *registry.Org
		to string
	}{{h, haizhu}, {h2, yulei}} {
		if _, err := moveTo(m.o, m.to); err != nil {
			t.Fatal(err)
		}
	}
	// an import's rows in both districts, in alternating order
	z1 := f.active(t, "天河合唱团", yulei, registry.TierCommunity)
	z2 := f.active(t, "海珠合唱团", haizhu, registry.TierCommunity)

	before := registrytest.Versions(t, ctx, f.db, "440105", "440106")
	var mu sync.Mutex
	touched := map[string]int{} // committed writes by district touched
	var failures []string
	failed := map[string]int{}
	done := func(name string, i int, err error, districts ...string) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s, round %d: %v", name, i, err))
			failed[name]++
			return
		}
		for _, d := range districts {
			touched[d]++
		}
	}
	writers := map[string]func(i int) error{
		"move x": func(i int) error {
			_, err := moveTo(x, []string{haizhu, yulei}[i%2])
			return err
		},
		"move y": func(i int) error {
			_, err := moveTo(y, []string{yulei, haizhu}[i%2])
			return err
		},
		"hub h": func(i int) error {
			_, err := f.reg.SetHub(ctx, f.admin, h.ID, i%2 == 0, "轮值")
			return err
		},
		"hub h2": func(i int) error {
			_, err := f.reg.SetHub(ctx, f.admin, h2.ID, i%2 == 0, "轮值")
			return err
		},
		"import": func(i int) error {
			rows := []registry.ImportRow{{N: 2, In: registry.InputOf(get(z1))}, {N: 3, In: registry.InputOf(get(z2))}}
			for j := range rows {
				rows[j].In.Members = 30 + i
				rows[j].In.Status = registry.StatusActive
			}
			if i%2 == 1 {
				rows[0], rows[1] = rows[1], rows[0]
			}
			return importRows(ctx, f, rows)
		},
	}
	var wg sync.WaitGroup
	for name, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				done(name, i, w(i), "440105", "440106")
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d writes failed (%v), the first: %s", len(failures), rounds*len(writers), failed, failures[0])
	}

	after := registrytest.Versions(t, ctx, f.db, "440105", "440106")
	for _, d := range slices.Sorted(maps.Keys(touched)) {
		if got := after[d] - before[d]; got < int64(touched[d]) {
			t.Errorf("district %s: counter moved %d, by %d committed writes", d, got, touched[d])
		}
	}
	for i, o := range []*registry.Org{x, y} {
		if want := []string{yulei, haizhu}[i]; get(o).CommunityCode != want {
			t.Errorf("%s: in %s after an even number of moves, want %s", o.Name, get(o).CommunityCode, want)
		}
	}
	registrytest.CheckRecords(t, f.ctx, f.db)
}

// An update that moves an organization to 荔湾区 waits for that
// district's change counter (held by another writer, on PostgreSQL) after
// it read the organization's timeline, while other writers move the
// organization from 天河区 to 海珠区 (away), or there and back (away and
// back: its district is the same again, its history not). The update
// then holds the counters of 荔湾区 and 天河区 but not of 海珠区, which its
// change touches: it runs again, once (orgroll.ErrMoved), and succeeds,
// the organization in 荔湾区; every district's version has moved at least
// once per committed write that touched it, and the tally and the dated
// rollup equal what the records give. On SQLite writers take the database
// in turn, so nothing moves the organization while a write runs: the same
// writes one after another, none run again.
func TestMovedWhileLocking(t *testing.T) {
	const liwan = "440103001101" // 翠洲社区, 荔湾区: its counter sorts first
	for name, moves := range map[string][]string{"away": {haizhuComm}, "away and back": {haizhuComm, yulei}} {
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			ctx := f.ctx
			x := f.active(t, "天河舞蹈队", yulei, registry.TierCommunity)
			in := registry.InputOf(x)
			in.CommunityCode, in.Members = liwan, 33
			before := registrytest.Versions(t, ctx, f.db, "440103", "440105", "440106")
			touched := map[string]int64{"440103": 1, "440105": int64(len(moves)), "440106": int64(len(moves))}
			touched[moves[len(moves)-1][:6]]++ // the district the update leaves
			move := func() {
				for _, c := range moves {
					o, err := f.reg.Get(ctx, f.admin, x.ID)
					if err != nil {
						t.Fatal(err)
					}
					mv := registry.InputOf(o)
					mv.CommunityCode = c
					if _, err := f.reg.Update(ctx, f.admin, x.ID, mv); err != nil {
						t.Fatalf("move to %s: %v", c, err)
					}
				}
			}
			var got *registry.Org
			var err error
			retries := int64(0)
			if f.db.Engine == db.Postgres {
				h := registrytest.Hold(t, ctx, f.db, liwan)
				done := make(chan struct{})
				go func() {
					defer close(done)
					got, err = f.reg.Update(ctx, f.admin, x.ID, in)
				}()
				h.WaitQueued(1)
				move() // holds 海珠区 and 天河区, which the update has not reached
				h.Release()
				<-done
				retries = 1
			} else {
				move()
				got, err = f.reg.Update(ctx, f.admin, x.ID, in)
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := registry.MovedRetriesForTest(f.reg); n != retries {
				t.Errorf("writes run again: %d, want %d", n, retries)
			}
			if got.CommunityCode != liwan || got.DistrictCode != "440103" || got.Members != 33 {
				t.Errorf("updated: in %s (%s), %d members; want %s, 33", got.CommunityCode, got.DistrictCode, got.Members, liwan)
			}
			after := registrytest.Versions(t, ctx, f.db, "440103", "440105", "440106")
			for d, n := range touched {
				if after[d]-before[d] < n {
					t.Errorf("district %s: counter moved %d, by %d committed writes", d, after[d]-before[d], n)
				}
			}
			registrytest.CheckRecords(t, f.ctx, f.db)
		})
	}
}

// importRows imports rows as an officer's upload does, and fails on any
// row problem.
func importRows(ctx context.Context, f *fixture, rows []registry.ImportRow) error {
	im, err := f.reg.BeginImport(ctx, f.admin, registry.ImportOptions{Source: "lock-order.csv"})
	if err != nil {
		return err
	}
	defer im.Abort()
	res, err := im.AddRows(ctx, rows)
	if err != nil {
		return err
	}
	for i, r := range res {
		if len(r.Fields) > 0 {
			return fmt.Errorf("import row %d: %v", rows[i].N, r.Fields)
		}
	}
	out, err := im.Finish(ctx)
	if err == nil && !out.Committed {
		err = fmt.Errorf("import not committed: %+v", out)
	}
	return err
}
