package db

import (
	"context"
	"database/sql"
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
