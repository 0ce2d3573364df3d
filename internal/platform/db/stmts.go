package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
)

// Query reads on the reader pool. (On SQLite every connection keeps its
// prepared statements, see stmtcache.go; pgx caches them by itself.)
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.Read.QueryContext(ctx, q, args...)
}

// QueryRow is Query for one row.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return d.Read.QueryRowContext(ctx, q, args...)
}

// Scanner is a row being read: Each's callback scans it.
type Scanner interface{ Scan(dest ...any) error }

// Each runs q on the reader pool and calls fn for each row, stopping at
// the first error. On PostgreSQL the rows are read through pgx's own
// interface, whose binary decoding into the destinations costs a fraction
// of database/sql's per column (its adapter checks and converts each value
// by reflection: two thirds of an organization list's Go time, issue 19);
// same statement, same statement cache, same round trips. On SQLite it is
// Query.
func (d *DB) Each(ctx context.Context, q string, args []any, fn func(Scanner) error) error {
	return d.EachOn(ctx, d.Read, q, args, fn)
}

// EachOn is Each on a given pool of d's (Read or Generic).
func (d *DB) EachOn(ctx context.Context, pool *sql.DB, q string, args []any, fn func(Scanner) error) error {
	if d.Engine != Postgres {
		rows, err := pool.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return eachRow(rows, fn)
	}
	c, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: each: not a pgx connection")
		}
		rows, err := sc.Conn().Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return eachRow(rows, fn)
	})
}

// eachRow calls fn for each row of rows (database/sql's or pgx's).
func eachRow(rows interface {
	Scanner
	Next() bool
	Err() error
}, fn func(Scanner) error) error {
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
