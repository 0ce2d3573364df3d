package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
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

// TestListColumn: ListColumn passes the arguments and reads the one column
// in row order; a failed statement and a row that does not scan are both
// reported under the caller's name, wrapping the driver's error.
func TestListColumn(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	got, err := db.ListColumn[int64](ctx, d.Read, "test: ids",
		`SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) x WHERE n >= $1 ORDER BY n DESC`, 2)
	if err != nil || len(got) != 2 || got[0] != 3 || got[1] != 2 {
		t.Fatalf("got %v %v", got, err)
	}
	_, err = db.ListColumn[int64](ctx, d.Read, "test: ids", `SELECT n FROM no_such_table`)
	if err == nil || errors.Unwrap(err) == nil || !strings.HasPrefix(err.Error(), "test: ids: ") {
		t.Fatalf("a failed statement: %v", err)
	}
	bad, err := db.ListColumn[int64](ctx, d.Read, "test: ids", `SELECT 'x'`)
	if err == nil || bad != nil || errors.Unwrap(err) == nil || !strings.HasPrefix(err.Error(), "test: ids: ") {
		t.Fatalf("a row that does not scan: %v %v", bad, err)
	}
}

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

// Do answers fn's value with its error: committed when fn succeeds,
// rolled back (and still answered) when it fails.
func TestDoAnswersTheValueOfItsTransaction(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE do_probe (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	write := func(n int, fail error) (int, error) {
		return db.Do(ctx, d, func(tx *sql.Tx) (int, error) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO do_probe (n) VALUES ($1)`, n); err != nil {
				return 0, err
			}
			return n * 10, fail
		})
	}
	if v, err := write(1, nil); v != 10 || err != nil {
		t.Fatalf("committed: %d, %v", v, err)
	}
	boom := errors.New("boom")
	if v, err := write(2, boom); v != 20 || !errors.Is(err, boom) {
		t.Fatalf("failed: %d, %v", v, err)
	}
	if got := dbtest.Strings(t, d, `SELECT n FROM do_probe ORDER BY n`); len(got) != 1 || got[0] != "1" {
		t.Fatalf("rows %v, want only the committed one", got)
	}
}
