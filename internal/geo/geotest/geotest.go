// Package geotest gives a room's tests the division hierarchy they build on:
// a fresh database (dbtest) with Guangzhou's divisions loaded through the
// importer, as the product loads them.
package geotest

import (
	"context"
	"testing"

	"linli/internal/geo"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// Open returns a fresh migrated database (dbtest.Open) holding Guangzhou's
// divisions, and the store that reads them.
func Open(tb testing.TB) (*db.DB, *geo.Store) {
	tb.Helper()
	d := dbtest.Open(tb)
	return d, Load(tb, d)
}

// Load loads Guangzhou's divisions into d, a database already migrated,
// and returns the store that reads them.
func Load(tb testing.TB, d *db.DB) *geo.Store {
	tb.Helper()
	st := &geo.Store{DB: d}
	if _, err := (&geo.Importer{Store: st}).LoadGuangzhou(context.Background()); err != nil {
		tb.Fatalf("geotest: load Guangzhou: %v", err)
	}
	return st
}
