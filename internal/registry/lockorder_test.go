package registry_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"linli/internal/orgroll"
	"linli/internal/platform/auth"
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
	committed := registrytest.Race(t,
		registrytest.Writer{Name: "move x", Rounds: rounds, Write: func(i int) error {
			_, err := moveTo(x, []string{haizhu, yulei}[i%2])
			return err
		}},
		registrytest.Writer{Name: "move y", Rounds: rounds, Write: func(i int) error {
			_, err := moveTo(y, []string{yulei, haizhu}[i%2])
			return err
		}},
		registrytest.Writer{Name: "hub h", Rounds: rounds, Write: func(i int) error {
			_, err := f.reg.SetHub(ctx, f.admin, h.ID, i%2 == 0, "轮值")
			return err
		}},
		registrytest.Writer{Name: "hub h2", Rounds: rounds, Write: func(i int) error {
			_, err := f.reg.SetHub(ctx, f.admin, h2.ID, i%2 == 0, "轮值")
			return err
		}},
		registrytest.Writer{Name: "import", Rounds: rounds, Write: func(i int) error {
			rows := []registry.ImportRow{{N: 2, In: registry.InputOf(get(z1))}, {N: 3, In: registry.InputOf(get(z2))}}
			for j := range rows {
				rows[j].In.Members = 30 + i
				rows[j].In.Status = registry.StatusActive
			}
			if i%2 == 1 {
				rows[0], rows[1] = rows[1], rows[0]
			}
			return importRows(ctx, f, f.admin, rows)
		}},
	)
	// every write touched both districts
	touched := map[string]int64{"440105": committed, "440106": committed}

	registrytest.CheckMoved(t, ctx, f.db, before, touched)
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
			registrytest.CheckMoved(t, ctx, f.db, before, touched)
			registrytest.CheckRecords(t, f.ctx, f.db)
		})
	}
}

// importRows imports rows as u's upload does, and fails on any row
// problem.
func importRows(ctx context.Context, f *fixture, u *auth.User, rows []registry.ImportRow) error {
	im, err := f.reg.BeginImport(ctx, u, registry.ImportOptions{Source: "lock-order.csv"})
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

// movedIn makes an organization in community from and moves it, three
// months later, to community to: its timeline reaches both districts.
// The clock is then a year after the creation.
func (f *fixture) movedIn(t *testing.T, name, from, to string) *registry.Org {
	t.Helper()
	f.now = time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC)
	o := f.active(t, name, from, registry.TierCommunity)
	f.now = time.Date(2023, 6, 1, 8, 0, 0, 0, time.UTC)
	in := registry.InputOf(o)
	in.CommunityCode = to
	o, err := f.reg.Update(f.ctx, f.admin, o.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	f.now = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	return o
}

// markedSince is an import row for o that sets its volunteer mark as a
// late entry effective on day, before o moved.
func markedSince(o *registry.Org, mark bool, day string) registry.ImportRow {
	in := registry.InputOf(o)
	in.VolunteerMark, in.EffectiveOn, in.LateReason = mark, day, "按普查补录"
	return registry.ImportRow{N: 2, In: in}
}

// counters reads every district's change counter (orgroll.ChangesIn of
// the whole country).
func counters(t *testing.T, f *fixture) map[string]int64 {
	t.Helper()
	ver, err := orgroll.ChangesIn(f.ctx, f.db, "")
	if err != nil {
		t.Fatal(err)
	}
	return ver
}

// A 天河区 officer's import marks, as a late entry dated before it moved,
// an organization that moved from 海珠区 into 天河区, and creates one: the
// mark's days in 海珠区 move that district's counts, so the import
// advances its counter (the rollup's refresh at the end does), outside
// the officer's scope. Every counter the import advanced is one it took
// before its first write (orgroll.LockScope: PostgreSQL's one lock order
// of writers of organizations; on SQLite the import holds the whole
// database).
func TestImportHoldsTheDistrictsItTouches(t *testing.T) {
	f := setup(t)
	o := f.movedIn(t, "海珠书法社", haizhuComm, yulei)
	before := counters(t, f)
	im, err := f.reg.BeginImport(f.ctx, f.tianhe, registry.ImportOptions{Source: "天河区普查.csv"})
	if err != nil {
		t.Fatal(err)
	}
	fresh := input("天河新合唱团", zhijie)
	fresh.Status = registry.StatusActive
	importHolding(t, f, im, before, "440105", markedSince(o, true, "2023-04-01"), registry.ImportRow{N: 3, In: fresh})
}

// An import by the officer of 天河区 waits for the counter of 海珠区 (held
// by another writer, on PostgreSQL; an organization of 天河区 came from
// there), after it read the timelines of the organizations of 天河区,
// while an organization moves from 荔湾区 into 天河区. The import then
// holds the counters of 海珠区 and 天河区 but not of 荔湾区, which a late
// entry of the organization's days there touches: it takes the counters
// again (orgroll.LockScope), and holds 荔湾区's too before its first
// write. On SQLite writers take the database in turn: the move, then the
// import.
func TestImportMovedInWhileLocking(t *testing.T) {
	const liwan = "440103001101" // 翠洲社区, 荔湾区: its counter sorts first
	f := setup(t)
	f.movedIn(t, "海珠书法社", haizhuComm, yulei)
	f.now = time.Date(2023, 7, 1, 8, 0, 0, 0, time.UTC)
	o := f.active(t, "荔湾舞蹈队", liwan, registry.TierCommunity)
	f.now = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	moveIn := func() {
		in := registry.InputOf(o)
		in.CommunityCode = yulei
		var err error
		if o, err = f.reg.Update(f.ctx, f.admin, o.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	before := counters(t, f)
	begin := func() (*registry.Import, error) {
		return f.reg.BeginImport(f.ctx, f.tianhe, registry.ImportOptions{Source: "天河区普查.csv"})
	}
	var im *registry.Import
	var err error
	if f.db.Engine == db.Postgres {
		h := registrytest.Hold(t, f.ctx, f.db, haizhuComm)
		done := make(chan struct{})
		go func() {
			defer close(done)
			im, err = begin()
		}()
		h.WaitQueued(1)
		moveIn() // holds 荔湾区 and 天河区, which the import has not reached
		h.Release()
		<-done
	} else {
		moveIn()
		im, err = begin()
	}
	if err != nil {
		t.Fatal(err)
	}
	importHolding(t, f, im, before, "440103", markedSince(o, true, "2023-08-01"))
}

// importHolding adds rows to im and finishes it, and checks that every
// counter the import advanced beyond before (all of them, among others
// outside: the test's premise) is one it took before its first write
// (orgroll.LockScope), and that the tally and the dated rollup equal what
// the records give.
func importHolding(t *testing.T, f *fixture, im *registry.Import, before map[string]int64, outside string, rows ...registry.ImportRow) {
	t.Helper()
	defer im.Abort()
	locked := registry.ImportLockedForTest(im)
	res, err := im.AddRows(f.ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if len(r.Fields) > 0 {
			t.Fatalf("row %d: %s %v", rows[i].N, r.Outcome, r.Fields)
		}
	}
	if out, err := im.Finish(f.ctx); err != nil || !out.Committed || out.Unchanged > 0 {
		t.Fatalf("finish: %+v %v", out, err)
	}
	after := counters(t, f)
	if after[outside] <= before[outside] {
		t.Errorf("district %s: the counter did not move (%d): the late entry changed none of its counts", outside, after[outside])
	}
	for _, d := range slices.Sorted(maps.Keys(after)) {
		if after[d] != before[d] && !locked.Covers(d) {
			t.Errorf("district %s: the import advanced its counter (%d → %d) without holding it", d, before[d], after[d])
		}
	}
	registrytest.CheckRecords(t, f.ctx, f.db)
}

// Imports by the officers of 海珠区 and 天河区 run together, each marking,
// as a late entry dated before it moved, an organization that came from
// the other district (so each advances the other's counter): none may
// fail (on PostgreSQL a deadlock between the two counters, SQLSTATE
// 40P01, would, each import holding its own district and reaching for the
// other's at its end), and afterwards each district's version has moved
// at least once per committed import, and the tally and the dated rollup
// equal what the records give.
func TestConcurrentImportsOfOrganizationsThatMoved(t *testing.T) {
	f := setup(t)
	const rounds = 30
	toTianhe := f.movedIn(t, "海珠书法社", haizhuComm, yulei)
	toHaizhu := f.movedIn(t, "天河书法社", yulei, haizhuComm)
	before := registrytest.Versions(t, f.ctx, f.db, "440105", "440106")
	var writers []registrytest.Writer
	for _, imp := range []struct {
		u *auth.User
		o *registry.Org
	}{{f.tianhe, toTianhe}, {f.haizhu, toHaizhu}} {
		writers = append(writers, registrytest.Writer{Name: imp.u.ScopeCode, Rounds: rounds, Write: func(i int) error {
			day := time.Date(2023, 4, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			return importRows(f.ctx, f, imp.u, []registry.ImportRow{markedSince(imp.o, i%2 == 0, day)})
		}})
	}
	committed := registrytest.Race(t, writers...)
	registrytest.CheckMoved(t, f.ctx, f.db, before, map[string]int64{"440105": committed, "440106": committed})
	registrytest.CheckRecords(t, f.ctx, f.db)
}
