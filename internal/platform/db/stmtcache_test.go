package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// The SQLite connections keep prepared statements: the same statement run
// again while its rows are still open, more distinct statements than the
// cache holds, and failing statements must all behave as without a cache.
func TestSQLiteStatementCache(t *testing.T) {
	ctx := context.Background()
	d := openSQLite(t, "cache.db")
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= 5; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO t (id, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
				return err
			}
		}
		// the same query nested inside its own open rows
		const q = `SELECT id FROM t WHERE id >= $1 ORDER BY id`
		rows, err := tx.QueryContext(ctx, q, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		outer, inner := 0, 0
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return err
			}
			outer++
			in, err := tx.QueryContext(ctx, q, id)
			if err != nil {
				return err
			}
			for in.Next() {
				inner++
			}
			if err := in.Close(); err != nil {
				return err
			}
		}
		if outer != 5 || inner != 15 {
			return fmt.Errorf("nested reads: outer %d inner %d, want 5 and 15", outer, inner)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// a failing statement leaves its cached statement usable
	for range 2 {
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO t (id, v) VALUES ($1, $2)`, 9, "v1"); !d.Dialect.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert: %v, want a unique violation", err)
		}
	}
	// more distinct statements than the cache holds, each still right, on
	// one connection while rows of a cached statement stay open
	c, err := d.Read.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	open, err := c.QueryContext(ctx, `SELECT v FROM t WHERE id >= $1 ORDER BY id`, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := range 300 {
		if open.Next() {
			var v string
			if err := open.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		var n int
		q := fmt.Sprintf(`SELECT COUNT(*) + %d FROM t WHERE id <= $1`, i)
		if err := c.QueryRowContext(ctx, q, 3).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3+i {
			t.Fatalf("%s = %d, want %d", q, n, 3+i)
		}
	}
	if err := open.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[v1 v2 v3 v4 v5]" {
		t.Fatalf("rows read across evictions: %v", got)
	}
}

// A batch statement with numbered parameters, which the SQLite connection
// prepares with anonymous ones, stores each value where it was numbered.
func TestSQLiteBatchParameters(t *testing.T) {
	ctx := context.Background()
	d := openSQLite(t, "batch.db")
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	q, args := `INSERT INTO t (id, v) VALUES `, []any{}
	for i := 1; i <= 100; i++ {
		if i > 1 {
			q += ", "
		}
		q += fmt.Sprintf("($%d, '$' || $%d)", 2*i-1, 2*i)
		args = append(args, i, fmt.Sprint("v", i))
	}
	for range 2 { // prepared, then from the cache
		if _, err := d.Write.ExecContext(ctx, `DELETE FROM t`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
		var n int
		var v string
		if err := d.Read.QueryRowContext(ctx, `SELECT count(*), (SELECT v FROM t WHERE id = $1) FROM t`, 73).Scan(&n, &v); err != nil {
			t.Fatal(err)
		}
		if n != 100 || v != "$v73" {
			t.Fatalf("rows %d, row 73 %q; want 100 and $v73", n, v)
		}
	}
}
