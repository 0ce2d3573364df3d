package idem_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

// TestKeysExpire reproduces issue 18's failure 11 (idempotency keys never
// expired): within idem.TTL a key replays its first answer and refuses
// another payload; past it, the key is free again, and Purge drops it.
func TestKeysExpire(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	start := time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC)
	users := &auth.Service{DB: d, Now: func() time.Time { return start }, Hashing: auth.Cheapest()}
	u, err := users.CreateUser(ctx, nil, auth.NewUser{Username: "staff", Role: auth.CityAdmin, ScopeCode: "4401", Password: "long enough 1"})
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	post := func(hash string, now time.Time) error {
		k := idem.With(ctx, &idem.Key{UserID: u.ID, Key: "k-1", Hash: hash, Status: 201})
		return idem.Tx(k, d, now, func(tx *sql.Tx) (any, error) { runs++; return map[string]int{"run": runs}, nil })
	}
	if err := post("a", start); err != nil || runs != 1 {
		t.Fatalf("first: %v, %d runs", err, runs)
	}
	if _, ok := idem.AsReplay(post("a", start.Add(idem.TTL-time.Minute))); !ok || runs != 1 {
		t.Fatalf("a retry within the TTL ran again (%d runs)", runs)
	}
	if err := post("b", start.Add(idem.TTL-time.Minute)); !errs.Is(err, errs.Conflict) {
		t.Fatalf("another payload within the TTL: %v", err)
	}
	if err := post("b", start.Add(idem.TTL+time.Minute)); err != nil || runs != 2 {
		t.Fatalf("past the TTL the key is free: %v, %d runs", err, runs)
	}
	n, err := idem.Purge(ctx, d, start.Add(3*idem.TTL))
	if err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
}
