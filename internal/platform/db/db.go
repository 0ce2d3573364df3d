// Package db opens SQLite or PostgreSQL from one URL and hides the few
// differences between them behind a small Dialect. Queries are written once,
// with $1…$n placeholders, and run unchanged on both engines.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers "pgx"
	"modernc.org/sqlite"
)

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Querier is what both *sql.DB and *sql.Tx offer; services take it so one
// function serves inside and outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is a pair of pools: readers and a writer (and Generic, below). On
// SQLite the writer is a single connection whose transactions begin
// IMMEDIATE, so writers queue in Go instead of failing with SQLITE_BUSY; on
// PostgreSQL both are one pool.
type DB struct {
	Read  *sql.DB
	Write *sql.DB
	// Generic is for reads whose statement PostgreSQL plans once per
	// connection (plan_cache_mode = force_generic_plan): by default the
	// server plans a prepared statement for its arguments on its first five
	// executions on each connection, and on every later one where it keeps
	// preferring that custom plan. For statements of many parts (a
	// dashboard's UNION ALLs) that planning cost ten times their execution.
	// Only statements checked to plan the same without their arguments'
	// values belong here (docs/PERFORMANCE.md, "Evaluated dashboards on
	// PostgreSQL"). A pool of its own, opened on first use. On SQLite,
	// which prepares each statement once per connection anyway, it is Read.
	Generic *sql.DB
	Engine  string
	Dialect Dialect
	// Schema is the PostgreSQL search_path schema, if one was given.
	Schema string
	// trips counts round trips (RoundTrips).
	trips *atomic.Int64
}

// Open opens "sqlite:PATH" (also "sqlite://PATH" or a bare path ending in .db)
// or a "postgres://" / "postgresql://" URL.
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		return openSQLite(ctx, p)
	case strings.HasSuffix(dsn, ".db"):
		return openSQLite(ctx, dsn)
	}
	return nil, fmt.Errorf("db: unsupported database URL %q (want sqlite:PATH or postgres://…)", dsn)
}

// SQLite's page cache per connection, KiB. The writer keeps 8 MiB: an
// import's transaction would spill its dirty pages sooner with less. Each
// of the readers keeps 2 MiB: at the national scale 8 MiB on every reader
// took the server alone to a peak of 201 MiB resident against 156 MiB with
// 2 MiB (the driver's allocator keeps what a cache frees, so a cache costs
// about twice what it holds), for up to 8% more CPU on the district
// dashboard evaluated from records and none measurable on the list and
// search (docs/PERFORMANCE.md, "Resident memory").
const (
	writerCacheKiB = 8000
	readerCacheKiB = 2000
)

// sqliteDSN is the DSN of one pool. The writer commits with
// synchronous=FULL: in WAL mode NORMAL does not flush the log at each
// commit, so an acknowledged change (a custody posting, its audit row) could
// be lost on power failure; FULL flushes every commit. Readers never write,
// so they keep NORMAL (the setting only matters to a connection committing).
func sqliteDSN(path, txlock, sync string, cacheKiB int) string {
	q := url.Values{}
	// busy_timeout first, so every later pragma already waits for locks.
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous("+sync+")")
	q.Add("_pragma", "cache_size(-"+strconv.Itoa(cacheKiB)+")")
	// statement journals in memory: a write statement in a long transaction
	// (an import) otherwise copies every page it touches to a temp file
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_time_format", "sqlite")
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("db: empty sqlite path")
	}
	trips := new(atomic.Int64)
	w, err := openSQLitePool(sqliteDSN(path, "immediate", "FULL", writerCacheKiB), trips)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: ping sqlite %s: %w", path, err)
	}
	r, err := openSQLitePool(sqliteDSN(path, "", "NORMAL", readerCacheKiB), trips)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite readers: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	return &DB{Read: r, Write: w, Generic: r, Engine: SQLite, Dialect: sqliteDialect{}, trips: trips}, nil
}

// openSQLitePool opens a pool whose connections keep their prepared
// statements (cachingConnector).
func openSQLitePool(dsn string, trips *atomic.Int64) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{Connector: c, trips: trips}), nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	// The planner's default cost of a random page (4, a spinning disk's)
	// made it walk the primary key backwards and filter by district for a
	// district's first page (22,752 rows read for 20 at the Guangzhou
	// scale, 24 ms) rather than read the 20 rows from (district_code, id);
	// the data of a registry this size is in memory or on SSD, where a
	// random page costs about a sequential one. A value in the URL wins.
	if _, ok := cfg.RuntimeParams["random_page_cost"]; !ok {
		cfg.RuntimeParams["random_page_cost"] = "1.1"
	}
	// No JIT compilation: the server compiles a plan whose estimated cost
	// passes jit_above_cost (100,000), and a generic plan's estimate (the
	// server keeps one for a prepared statement after five executions, and
	// Generic below plans only so) takes a range of unknown bounds as a
	// share of the table, so it grows with the country, not with the scope
	// asked. At the national scale (1.75 million organizations) the city's
	// rollup read planned so at 495,000 and compiled 43 functions on every
	// execution, 45-55 ms (300 ms the first time), for a statement that
	// reads 307 rows in 0.8 ms (issue 19). linli's statements are bounded
	// by a scope, never the long analytic queries JIT pays off for. A value
	// in the URL wins.
	if _, ok := cfg.RuntimeParams["jit"]; !ok {
		cfg.RuntimeParams["jit"] = "off"
	}
	trips := new(atomic.Int64)
	cfg.DialFunc = countingDial(cfg.DialFunc, trips)
	p := stdlib.OpenDB(*cfg)
	p.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	p.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("db: ping postgres: %w", err)
	}
	gcfg := cfg.Copy()
	gcfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	g := stdlib.OpenDB(*gcfg)
	g.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	g.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	d := &DB{Read: p, Write: p, Generic: g, Engine: Postgres, Dialect: pgDialect{}, trips: trips}
	if u, err := url.Parse(dsn); err == nil {
		d.Schema = u.Query().Get("search_path")
	}
	return d, nil
}

// Close closes the pools.
func (d *DB) Close() error {
	err := d.Read.Close()
	if d.Write != d.Read {
		err = errors.Join(err, d.Write.Close())
	}
	if d.Generic != d.Read {
		err = errors.Join(err, d.Generic.Close())
	}
	return err
}

// txKey carries the transaction of an enclosing Tx on a context.
type txKey struct{}

// WithTx returns a context that carries tx: a Tx called with it joins tx
// instead of beginning its own.
func WithTx(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// TxFrom returns the transaction ctx carries, or nil.
func TxFrom(ctx context.Context) *sql.Tx {
	tx, _ := ctx.Value(txKey{}).(*sql.Tx)
	return tx
}

// Tx runs fn in a write transaction, committing if fn returns nil. When ctx
// already carries a transaction (InTx, WithTx), fn runs in it instead and
// the outermost caller commits or rolls back: work of several rooms then
// commits together. An error from a joined fn must reach the outermost
// caller, which rolls everything back.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if tx := TxFrom(ctx); tx != nil {
		return fn(tx)
	}
	tx, end, err := d.Begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// txConns holds the connection of each PostgreSQL transaction begun by
// Begin, for CopyFrom.
var txConns sync.Map // *sql.Tx → *sql.Conn

// Begin begins a write transaction. On PostgreSQL the transaction keeps a
// connection of its own, so that CopyFrom can stream rows into it with
// COPY. end must be called once the transaction is committed or rolled
// back: it releases the connection.
func (d *DB) Begin(ctx context.Context) (tx *sql.Tx, end func(), err error) {
	if d.Engine != Postgres {
		tx, err := d.Write.BeginTx(ctx, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("db: begin: %w", err)
		}
		return tx, func() {}, nil
	}
	c, err := d.Write.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("db: begin: %w", err)
	}
	tx, err = c.BeginTx(ctx, nil)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("db: begin: %w", err)
	}
	txConns.Store(tx, c)
	return tx, func() {
		txConns.Delete(tx)
		c.Close()
	}, nil
}

// CanCopy reports whether CopyFrom can write in tx.
func CanCopy(tx *sql.Tx) bool {
	_, ok := txConns.Load(tx)
	return ok
}

// CopyFrom writes rows into columns of a table with PostgreSQL's COPY, in
// a transaction begun by Begin (or Tx): one stream instead of statements
// of many parameters. ok is false when tx cannot copy (SQLite, or a
// transaction begun otherwise), and the caller inserts instead. COPY has no
// ON CONFLICT: a row breaking a constraint fails the transaction.
func CopyFrom(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) (ok bool, err error) {
	v, found := txConns.Load(tx)
	if !found {
		return false, nil
	}
	err = v.(*sql.Conn).Raw(func(dc any) error {
		sc, isPgx := dc.(*stdlib.Conn)
		if !isPgx {
			return fmt.Errorf("db: copy into %s: not a pgx connection", table)
		}
		_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return true, fmt.Errorf("db: copy into %s: %w", table, err)
	}
	return true, nil
}

// InTx is Tx whose fn gets a context carrying the transaction, so that
// the services it calls (each through its own Tx) join it.
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return fn(WithTx(ctx, tx), tx) })
}

// Q is what a read should use: the transaction ctx carries (so it sees
// that transaction's writes and, on PostgreSQL, its locks), else the
// readers' pool.
func (d *DB) Q(ctx context.Context) Querier {
	if tx := TxFrom(ctx); tx != nil {
		return tx
	}
	return d.Read
}

// Ping checks that both pools answer.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.Read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return d.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}
