package orgroll

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// TestCopyRollMatchesStatements writes the same rollup rows, new ones and
// ones replacing rows already there, once through COPY (copyRoll, in a
// transaction that can copy: PostgreSQL's) and once through upsertRoll's
// statements (a transaction that cannot), and compares each result with
// the other and with the rows expected: the rows before, each replaced by
// the row written for its key and day. On SQLite both are statements.
func TestCopyRollMatchesStatements(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	r := rand.New(rand.NewPCG(57, 1))
	var before, rows []delta
	want := map[string]Count{}
	for k := 0; k < 40; k++ {
		key := fmt.Sprintf("3|all||4401%02d|", k)
		for day := 1; day <= 10; day++ {
			x := delta{key, fmt.Sprintf("2020-01-%02d", day), Count{r.IntN(100), r.IntN(10)}}
			if day%2 == 0 {
				before = append(before, x)
				want[x.key+" "+x.day] = x.c
			}
			if day%3 != 0 { // new rows, and rows replacing one of before
				x.c = Count{r.IntN(100), r.IntN(10)}
				rows = append(rows, x)
				want[x.key+" "+x.day] = x.c
			}
		}
	}
	plain, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := upsertRoll(ctx, plain, before); err != nil {
		t.Fatal(err)
	}
	if err := plain.Commit(); err != nil {
		t.Fatal(err)
	}

	// through statements, in a transaction that cannot copy
	plain, err = d.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Rollback()
	if err := upsertRoll(ctx, plain, rows); err != nil {
		t.Fatal(err)
	}
	byStatements := readRoll(t, ctx, plain)
	plain.Rollback()

	// through COPY where the engine can
	var byCopy map[string]Count
	errRollback := errors.New("roll back")
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := copyRoll(ctx, tx, rows)
		if err != nil {
			return err
		}
		if ok != (d.Engine == db.Postgres) {
			t.Errorf("copyRoll copied: %v on %s", ok, d.Engine)
		}
		if !ok {
			if err := upsertRoll(ctx, tx, rows); err != nil {
				return err
			}
		}
		byCopy = readRoll(t, ctx, tx)
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if !maps.Equal(byStatements, want) {
		t.Errorf("statements: %d rows, want %d: %v", len(byStatements), len(want), byStatements)
	}
	if !maps.Equal(byCopy, byStatements) {
		t.Errorf("copy: %d rows, statements %d:\n%v\n%v", len(byCopy), len(byStatements), byCopy, byStatements)
	}
}

func readRoll(t *testing.T, ctx context.Context, tx *sql.Tx) map[string]Count {
	t.Helper()
	rows, err := tx.QueryContext(ctx, `SELECT rk, day, n, nl FROM org_roll`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]Count{}
	for rows.Next() {
		var k, day string
		var c Count
		if err := rows.Scan(&k, &day, &c.N, &c.Late); err != nil {
			t.Fatal(err)
		}
		out[k+" "+day] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
