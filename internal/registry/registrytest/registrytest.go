// Package registrytest creates what a room's tests stand on, through the
// services and so by their rules: the auth service over the registry,
// accounts, and organizations.
package registrytest

import (
	"context"
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
	return &auth.Service{DB: d, Now: now, IdleTimeout: time.Hour, AbsTimeout: time.Hour, Orgs: reg, DivisionExists: st.Exists}
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
