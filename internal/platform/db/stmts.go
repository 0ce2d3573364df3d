package db

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds prepared statements of the reader pool by their SQL.
// modernc's SQLite parses every statement anew when it is not prepared
// (for a search of a few small queries, parsing cost as much as running);
// pgx caches prepared statements per connection by itself.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// maxStmts bounds the cache; statements beyond it run unprepared.
const maxStmts = 512

func (d *DB) stmt(ctx context.Context, q string) *sql.Stmt {
	c := d.stmts
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.m[q]
	full := len(c.m) >= maxStmts
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	st, err := d.Read.PrepareContext(ctx, q)
	if err != nil {
		return nil // the query itself reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[q]; ok {
		st.Close()
		return old
	}
	c.m[q] = st
	return st
}

// Query reads on the reader pool, through the prepared-statement cache on
// SQLite.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.Read.QueryContext(ctx, q, args...)
}

// QueryRow is Query for one row.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.Read.QueryRowContext(ctx, q, args...)
}
