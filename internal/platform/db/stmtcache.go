package db

import (
	"context"
	"database/sql/driver"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
)

// stmtCacheSize bounds the prepared statements kept per SQLite connection.
// When it is reached the idle ones are finalized and the cache starts over:
// queries built with a varying number of placeholders cannot grow it.
const stmtCacheSize = 128

// sqliteConn is what the SQLite driver's connection offers and the cache
// forwards.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConnector opens SQLite connections that keep their prepared
// statements. modernc.org/sqlite otherwise parses and plans every statement
// on every call (database/sql hands it the SQL text each time), which was
// about a third of the processor time of a ledger posting: the SQL compiler
// costs more than running a one-row statement. PostgreSQL needs no such
// thing: pgx keeps its own statement cache per connection.
type cachingConnector struct {
	driver.Connector
	trips *atomic.Int64 // statements run with arguments (DB.RoundTrips)
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(sqliteConn)
	if !ok {
		return dc, nil
	}
	return &cachingConn{sqliteConn: sc, stmts: map[string]*cachedStmt{}, trips: c.trips}, nil
}

// cachingConn keeps a prepared statement per SQL text for the statements
// run with arguments (those without, such as migrations, scripts and
// pragmas, go straight to the driver). database/sql never uses a connection
// from two goroutines at once, closing rows included, so it needs no lock.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
	trips *atomic.Int64
}

type cachedStmt struct {
	st interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	}
	busy    bool // rows of it are open: the statement is mid-iteration
	evicted bool // dropped from the cache while busy: close when the rows close
}

// get returns the cached statement for query, preparing it the first time;
// nil when it is in use (rows still open) or cannot be cached.
func (c *cachingConn) get(ctx context.Context, query string) (*cachedStmt, error) {
	if e, ok := c.stmts[query]; ok {
		if e.busy {
			return nil, nil
		}
		return e, nil
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, sqliteText(query))
	if err != nil {
		return nil, err
	}
	st, ok := ds.(interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	})
	if !ok {
		ds.Close()
		return nil, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		c.evictIdle()
	}
	e := &cachedStmt{st: st}
	c.stmts[query] = e
	return e, nil
}

func (c *cachingConn) evictIdle() {
	for q, e := range c.stmts {
		if e.busy {
			e.evicted = true
		} else {
			e.st.Close()
		}
		delete(c.stmts, q)
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	c.count()
	e, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.sqliteConn.ExecContext(ctx, sqliteText(query), args)
	}
	return e.st.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	c.count()
	e, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.sqliteConn.QueryContext(ctx, sqliteText(query), args)
	}
	rows, err := e.st.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	e.busy = true
	return &cachedRows{Rows: rows, e: e}, nil
}

func (c *cachingConn) count() {
	if c.trips != nil {
		c.trips.Add(1)
	}
}

func (c *cachingConn) Close() error {
	for q, e := range c.stmts {
		e.st.Close()
		delete(c.stmts, q)
	}
	return c.sqliteConn.Close()
}

// cachedRows releases its statement for reuse when closed.
type cachedRows struct {
	driver.Rows
	e *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.e != nil {
		r.e.busy = false
		if r.e.evicted {
			r.e.st.Close()
		}
		r.e = nil
	}
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

// anonymousFrom is the number of parameters from which a statement's
// numbered parameters are rewritten as anonymous ones.
const anonymousFrom = 64

// sqliteText is the text prepared for a statement. The driver asks SQLite
// for each parameter's name as it binds, and each lookup walks the
// statement's list of named parameters ("$1" is a name to SQLite), so
// binding a multi-row INSERT costs the square of its parameters: for 1,000
// parameters, more than running it. A statement whose parameters are $1,
// $2, … $n, each once and in order, as every batch writer builds them,
// means the same with "?" in their place, which SQLite does not list.
func sqliteText(query string) string {
	if !strings.Contains(query, "$"+strconv.Itoa(anonymousFrom)) {
		return query
	}
	var b strings.Builder
	b.Grow(len(query))
	next := 1
	for i := 0; i < len(query); i++ {
		ch := query[i]
		switch ch {
		case '\'', '"': // a literal or quoted name: copied as it is
			j := strings.IndexByte(query[i+1:], ch)
			if j < 0 {
				return query
			}
			b.WriteString(query[i : i+j+2])
			i += j + 1
			continue
		case '$':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			if j == i+1 {
				return query
			}
			if n, err := strconv.Atoi(query[i+1 : j]); err != nil || n != next {
				return query // out of order or repeated: leave it numbered
			}
			next++
			b.WriteByte('?')
			i = j - 1
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}
