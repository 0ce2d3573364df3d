package hub_test

import (
	"testing"

	"linli/internal/hub"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// A hub's writer (a social worker added; a designation, whose registry
// change joins the hub's transaction) reads the organization's timeline
// and waits for 天河区's change counter, held by a registry update that
// moves the organization to 白云区 and itself waits for 白云区's counter
// (held by another writer, on PostgreSQL). Once the move commits, the
// hub's writer holds 天河区's counter but not 白云区's, which its change
// touches: it runs again, once, as a whole (orgroll.ErrMoved: the
// registry, inside the hub's transaction, runs nothing again), and
// succeeds; each district's version has moved at least once per committed
// write that touched it, and the tally and the dated rollup equal what
// the records give. On SQLite writers take the database in turn: the same
// writes one after another, none run again.
func TestHubMovedWhileLocking(t *testing.T) {
	const baiyun = "440111020200" // 永兴村委会, 白云区: its counter sorts after 天河区's
	for name, write := range map[string]func(f *fixture, u *auth.User, o *registry.Org) error{
		"worker": func(f *fixture, u *auth.User, o *registry.Org) error {
			_, err := f.hubs.AddWorker(f.Ctx, u, o.ID, hub.WorkerInput{Name: "黄社工", Kind: "full_time", StartedOn: "2023-06-01"})
			return err
		},
		"designation": func(f *fixture, u *auth.User, o *registry.Org) error {
			_, err := f.hubs.Designate(f.Ctx, u, o.ID, "服务能力强")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			ctx := f.Ctx
			admin := f.User(t, auth.CityAdmin, "4401", 0)
			o := f.org(t, f.officer, "天河南社会组织服务中心", yulei, "active")
			if name == "worker" {
				if _, err := f.hubs.Designate(ctx, f.officer, o.ID, ""); err != nil {
					t.Fatal(err)
				}
			}
			cur, err := f.Reg.Get(ctx, admin, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			in := registry.InputOf(cur)
			in.CommunityCode = baiyun
			move := func() error {
				_, err := f.Reg.Update(ctx, admin, o.ID, in)
				return err
			}
			before := registrytest.Versions(t, ctx, f.DB, "440106", "440111")
			var moved error
			retries := int64(0)
			if f.DB.Engine == db.Postgres {
				h := registrytest.Hold(t, ctx, f.DB, baiyun)
				movedc, errc := make(chan error), make(chan error)
				go func() { movedc <- move() }()
				h.WaitQueued(1) // the move holds 天河区
				go func() { errc <- write(f, admin, o) }()
				h.WaitQueued(2) // the hub's writer waits behind it
				h.Release()
				moved, err = <-movedc, <-errc
				retries = 1
			} else {
				moved = move()
				err = write(f, admin, o)
			}
			if moved != nil || err != nil {
				t.Fatalf("move: %v; %s: %v", moved, name, err)
			}
			// (a registry that ran its part again inside the hub's
			// transaction would have left the hub's run alone)
			if n := hub.MovedRetriesForTest(f.hubs); n != retries {
				t.Errorf("hub writes run again: %d, want %d", n, retries)
			}
			got, gerr := f.hubs.Get(ctx, admin, o.ID)
			if gerr != nil || got.Org.CommunityCode != baiyun || !got.Org.Hub || (name == "worker") != (len(got.Workers) == 1) {
				t.Errorf("hub after the writes: %+v %v", got, gerr)
			}
			registrytest.CheckMoved(t, ctx, f.DB, before, map[string]int64{"440106": 1, "440111": 2})
			registrytest.CheckRecords(t, ctx, f.DB)
		})
	}
}
