package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
)

// TestOne: a row read is returned; no row is errs.Missing for One and nil
// without an error for Maybe, on both engines; any other failure is wrapped
// as what failed and still carries the driver's error.
func TestOne(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	const row, none = `SELECT 'a', 1`, `SELECT 'a', 1 WHERE 1 = 0`
	if got, err := db.One(ctx, d.Read, "item", scanItem, row); err != nil || *got != (item{"a", 1}) {
		t.Fatalf("one: %v %v", got, err)
	}
	if got, err := db.One(ctx, d.Read, "item", scanItem, none); got != nil || !errs.Is(err, errs.NotFound) {
		t.Fatalf("one of none: %v %v", got, err)
	}
	if got, err := db.Maybe(ctx, d.Read, "item", scanItem, row); err != nil || *got != (item{"a", 1}) {
		t.Fatalf("maybe: %v %v", got, err)
	}
	if got, err := db.Maybe(ctx, d.Read, "item", scanItem, none); got != nil || err != nil {
		t.Fatalf("maybe of none: %v %v", got, err)
	}
	for _, read := range []func() (*item, error){
		func() (*item, error) { return db.One(ctx, d.Read, "item", scanItem, `SELECT 'a'`) },
		func() (*item, error) { return db.Maybe(ctx, d.Read, "item", scanItem, `SELECT 'a'`) },
	} {
		got, err := read()
		if got != nil || err == nil || !strings.HasPrefix(err.Error(), "item: ") || errs.Is(err, errs.NotFound) {
			t.Fatalf("bad scan: %v %v", got, err)
		}
	}
}

// TestFound: Found and Optional answer a Scan's error: nil stays nil, no
// row is errs.Missing or nil, another error is wrapped with %w.
func TestFound(t *testing.T) {
	d := dbtest.Open(t)
	var n int
	noRow := d.Read.QueryRowContext(context.Background(), `SELECT 1 WHERE 1 = 0`).Scan(&n)
	boom := errors.New("boom")
	if db.Found(nil, "x") != nil || db.Optional(nil, "x") != nil {
		t.Fatal("nil is not nil")
	}
	if err := db.Found(noRow, "x"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("found: %v", err)
	}
	if err := db.Optional(noRow, "x"); err != nil || n != 0 {
		t.Fatalf("optional: %v %d", err, n)
	}
	for _, err := range []error{db.Found(boom, "x"), db.Optional(boom, "x")} {
		if !errors.Is(err, boom) || err.Error() != "x: boom" {
			t.Fatalf("wrapped: %v", err)
		}
	}
}
