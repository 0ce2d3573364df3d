package registrytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linli/internal/geo"
	"linli/internal/geo/geotest"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// World is the opening that rooms' service tests share: a fresh database
// with Guangzhou's divisions (geotest), the registry and the auth service
// over it, on a clock that stands where the test last set Now, and a maker
// of accounts. A room's fixture embeds it and adds its own services.
type World struct {
	Ctx   context.Context
	DB    *db.DB
	Geo   *geo.Store
	Now   time.Time
	Reg   *registry.Service
	Users *auth.Service
	n     int
}

// NewWorld opens a World whose clock stands at start.
func NewWorld(tb testing.TB, start time.Time) *World {
	tb.Helper()
	d, st := geotest.Open(tb)
	w := &World{Ctx: context.Background(), DB: d, Geo: st, Now: start}
	w.Reg = &registry.Service{DB: d, Geo: st, Now: w.Clock}
	w.Users = Auth(d, st, w.Reg, w.Clock)
	return w
}

// Clock is the world's time: Now, as the test last set it.
func (w *World) Clock() time.Time { return w.Now }

// Password is the password of the accounts User creates.
const Password = "a long enough password"

// User creates an account of role at scope (of the organization org, when
// not 0) under a fresh username (user1, user2, …); an error fails the test.
func (w *World) User(tb testing.TB, role, scope string, org int64) *auth.User {
	tb.Helper()
	w.n++
	return User(tb, w.Ctx, w.Users, auth.NewUser{Username: fmt.Sprintf("user%d", w.n), Role: role, ScopeCode: scope,
		OrgID: org, Password: Password})
}
