package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// item is a row read as a pointer, as the rooms' scanX functions do.
type item struct {
	Code string
	N    int
}

func scanItem(sc interface{ Scan(...any) error }) (*item, error) {
	it := &item{}
	return it, sc.Scan(&it.Code, &it.N)
}

// TestCollectPtrs: the pointers scan made come back in row order, each its
// own; no row is an empty list (a JSON []), not nil; a scan error is
// returned without a list.
func TestCollectPtrs(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	rows, err := d.Read.QueryContext(ctx, `SELECT code, n FROM (SELECT 'b' AS code, 2 AS n UNION ALL SELECT 'a', 1) x ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.CollectPtrs(rows, scanItem)
	if err != nil || len(got) != 2 || *got[0] != (item{"a", 1}) || *got[1] != (item{"b", 2}) || got[0] == got[1] {
		t.Fatalf("got %v %v", got, err)
	}

	rows, err = d.Read.QueryContext(ctx, `SELECT 'a', 1 WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	if none, err := db.CollectPtrs(rows, scanItem); err != nil || none == nil || len(none) != 0 {
		t.Fatalf("no rows: %#v %v", none, err)
	}

	rows, err = d.Read.QueryContext(ctx, `SELECT 'a'`)
	if err != nil {
		t.Fatal(err)
	}
	if bad, err := db.CollectPtrs(rows, scanItem); err == nil || bad != nil {
		t.Fatalf("a scan error: %v %v", bad, err)
	}
}

// TestListPtrs: ListPtrs passes the arguments, and a failed statement is
// reported under the caller's name for it, wrapping the driver's error.
func TestListPtrs(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	got, err := db.ListPtrs(ctx, d.Read, "test: items", scanItem,
		`SELECT code, n FROM (SELECT 'a' AS code, 1 AS n UNION ALL SELECT 'b', 2 UNION ALL SELECT 'c', 3) x WHERE n >= $1 ORDER BY n DESC`, 2)
	if err != nil || len(got) != 2 || got[0].Code != "c" || got[1].Code != "b" {
		t.Fatalf("got %v %v", got, err)
	}
	_, err = db.ListPtrs(ctx, d.Read, "test: items", scanItem, `SELECT code, n FROM no_such_table`)
	if err == nil || errors.Unwrap(err) == nil || !strings.HasPrefix(err.Error(), "test: items: ") {
		t.Fatalf("a failed statement: %v", err)
	}
}
