package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"linli/internal/platform/db"
)

// templateLockKey is the PostgreSQL advisory lock under which one test
// binary creates the template database while the others wait.
const templateLockKey = 7_020_210_194

// randomHex is twelve random hexadecimal digits, for a schema's or a
// database's name.
func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// scratchDir is a folder of the test's own for its SQLite files, removed
// when the test ends: on a memory file system where there is one with room
// (memDir), since SQLite's writer flushes every commit to the disk
// (synchronous=FULL) and a test's commits need not survive the machine's
// crash (a demonstration load spent half its time waiting on those
// flushes); else the test's TempDir.
//
// A benchmark's files stay on the disk (durable): benchmarks measure the
// product's commits as it makes them, flushes included (the postings'
// share of durable commits is one of issue 19's targets).
func scratchDir(tb testing.TB) string {
	tb.Helper()
	if _, bench := tb.(*testing.B); bench {
		return tb.TempDir()
	}
	if mem := memDir(); mem != "" {
		if dir, err := os.MkdirTemp(mem, "linli-test-"); err == nil {
			tb.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return tb.TempDir()
}

// testURL is the PostgreSQL URL pg with synchronous_commit off, unless pg
// sets it: a test's commits need not survive the server's crash, and
// waiting for the log's flush at each commit (60,000 in a demonstration
// load, 1–1.5 ms each on this machine's disk) was most of the PostgreSQL
// suite's time. What every session sees is unchanged.
// durableURL is dbURL as tb may use it: a benchmark's commits wait for
// the log's flush as the product's do, so the synchronous_commit that
// testURL added goes again (unless pg, the configured URL, sets it).
func durableURL(tb testing.TB, pg, dbURL string) string {
	if _, bench := tb.(*testing.B); !bench {
		return dbURL
	}
	if c, err := url.Parse(pg); err == nil && c.Query().Has("synchronous_commit") {
		return dbURL
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	q := u.Query()
	q.Del("synchronous_commit")
	u.RawQuery = q.Encode()
	return u.String()
}

func testURL(pg string) (*url.URL, error) {
	u, err := url.Parse(pg)
	if err != nil {
		return nil, fmt.Errorf("bad %s: %w", EnvPostgres, err)
	}
	q := u.Query()
	if !q.Has("synchronous_commit") {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u, nil
}

// sqliteTemplate is the migrated SQLite database of this test binary, as
// bytes, made by the first test that asks for one.
var sqliteTemplate struct {
	once sync.Once
	img  []byte
	err  error
}

func sqliteImage() ([]byte, error) {
	sqliteTemplate.once.Do(func() { sqliteTemplate.img, sqliteTemplate.err = migrateSQLite() })
	return sqliteTemplate.img, sqliteTemplate.err
}

// migrateSQLite migrates a new SQLite file and returns its bytes, the log
// checkpointed into it.
func migrateSQLite() (img []byte, err error) {
	dir, err := os.MkdirTemp(memDir(), "linli-template-")
	if err != nil {
		return nil, fmt.Errorf("template folder: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "linli.db")
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		return nil, fmt.Errorf("open the template: %w", err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate the template: %w", err)
	}
	if err := d.Close(); err != nil {
		return nil, fmt.Errorf("close the template: %w", err)
	}
	return checkpointed(path)
}

// pgTemplates are the template databases this test binary found or made,
// by the URL of the database they sit beside.
var pgTemplates struct {
	mu    sync.Mutex
	names map[string]string
}

// pgClone creates a database cloned from the migrated template (pgTemplate),
// registers its removal with cleanup and returns its URL.
func pgClone(pg string, cleanup func(func())) (string, error) {
	tpl, err := pgTemplate(pg)
	if err != nil {
		return "", err
	}
	_, u, err := cloneFrom(pg, tpl, "_t_", cleanup)
	return u, err
}

// cloneFrom creates a database beside pg's, named after it, suffix and
// random digits, cloned from the database tpl, registers its removal with
// cleanup (unless nil) and returns its name and URL.
func cloneFrom(pg, tpl, suffix string, cleanup func(func())) (name, dbURL string, err error) {
	u, err := testURL(pg)
	if err != nil {
		return "", "", err
	}
	name = dbName(u, suffix+randomHex())
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return "", "", fmt.Errorf("open postgres: %w", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tpl); err != nil {
		return "", "", fmt.Errorf("clone %s: %w", tpl, err)
	}
	if cleanup != nil {
		cleanup(func() { dropDatabase(pg, name) })
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

// dropDatabase drops the database name beside pg's, closing its sessions.
func dropDatabase(pg, name string) error {
	return adminExec(pg, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)", "drop "+name)
}

// adminExec runs one statement on a connection of its own to pg's server
// (statements on databases run outside the tests' pools).
func adminExec(pg, stmt, what string) error {
	a, err := sql.Open("pgx", pg)
	if err != nil {
		return fmt.Errorf("open postgres: %w", err)
	}
	defer a.Close()
	if _, err := a.Exec(stmt); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Template is a database filled once per test binary, by Fill on a
// migrated database, and copied for each test that asks for one (URL): a
// file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL. For data
// that takes long to make and that several tests only read or change in
// their own copy (the demonstration). Close drops its PostgreSQL database:
// call it from TestMain after the tests (a binary that ends without it
// leaves that database behind).
type Template struct {
	// Fill fills the migrated database at the URL and closes what it
	// opened on it.
	Fill func(dbURL string) error

	once sync.Once
	err  error
	img  []byte // SQLite: the filled file
	pg   string // PostgreSQL: the URL the template sits beside
	name string // PostgreSQL: the template database
}

// URL returns the URL of a fresh copy of the template (made by the first
// call), removed when the test ends; a failure to make or copy it fails
// the test.
func (tp *Template) URL(tb testing.TB) string {
	tb.Helper()
	tp.once.Do(func() { tp.err = tp.make() })
	if tp.err != nil {
		tb.Fatalf("dbtest: template: %v", tp.err)
	}
	if tp.name == "" {
		path := filepath.Join(scratchDir(tb), "linli.db")
		if err := os.WriteFile(path, tp.img, 0o600); err != nil {
			tb.Fatalf("dbtest: copy the template: %v", err)
		}
		return "sqlite:" + path
	}
	_, u, err := cloneFrom(tp.pg, tp.name, "_t_", tb.Cleanup)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	return u
}

// Close drops the template's PostgreSQL database, if one was made.
func (tp *Template) Close() error {
	if tp.name == "" {
		return nil
	}
	return dropDatabase(tp.pg, tp.name)
}

func (tp *Template) make() error {
	pg := os.Getenv(EnvPostgres)
	if pg == "" {
		return tp.makeSQLite()
	}
	tpl, err := pgTemplate(pg)
	if err != nil {
		return err
	}
	name, u, err := cloneFrom(pg, tpl, "_tpl_x", nil)
	if err != nil {
		return err
	}
	tp.pg, tp.name = pg, name
	if err := tp.Fill(u); err != nil {
		return fmt.Errorf("fill %s: %w", name, err)
	}
	if err := closeToConnections(pg, name); err != nil {
		return err
	}
	return nil
}

func (tp *Template) makeSQLite() error {
	img, err := sqliteImage()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(memDir(), "linli-template-")
	if err != nil {
		return fmt.Errorf("template folder: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "linli.db")
	if err := os.WriteFile(path, img, 0o600); err != nil {
		return fmt.Errorf("copy the migrated database: %w", err)
	}
	if err := tp.Fill("sqlite:" + path); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	if tp.img, err = checkpointed(path); err != nil {
		return err
	}
	return nil
}

// checkpointed returns the bytes of the SQLite file at path, its log
// checkpointed into it first.
func checkpointed(path string) ([]byte, error) {
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := d.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		d.Close()
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := d.Close(); err != nil {
		return nil, fmt.Errorf("close %s: %w", path, err)
	}
	img, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return img, nil
}

// closeToConnections makes the database name refuse connections, as a
// template must have none while it is cloned.
func closeToConnections(pg, name string) error {
	return adminExec(pg, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false", "close "+name+" to connections")
}

// pgTemplate returns the name of the database the tests' databases are
// cloned from: beside pg's database, named after a hash of the migrations,
// migrated by the first test binary that needs it (under an advisory lock;
// the others wait) and kept for every later run with the same migrations.
// It refuses connections once complete, as CREATE DATABASE … TEMPLATE needs
// none open; one that still accepts them is a creation cut short, made again.
func pgTemplate(pg string) (string, error) {
	pgTemplates.mu.Lock()
	defer pgTemplates.mu.Unlock()
	if name, ok := pgTemplates.names[pg]; ok {
		return name, nil
	}
	ms, err := db.Migrations(db.Postgres)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %s %d\n%s\n", m.Version, m.Name, len(m.SQL), m.SQL)
	}
	u, err := testURL(pg)
	if err != nil {
		return "", err
	}
	name := dbName(u, "_tpl_"+hex.EncodeToString(h.Sum(nil))[:12])

	ctx := context.Background()
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return "", fmt.Errorf("open postgres: %w", err)
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return "", fmt.Errorf("template lock: %w", err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", templateLockKey)
	var allow sql.NullBool
	if err := conn.QueryRowContext(ctx, "SELECT datallowconn FROM pg_database WHERE datname = $1", name).
		Scan(&allow); err != nil && err != sql.ErrNoRows {
		return "", fmt.Errorf("find the template %s: %w", name, err)
	}
	if !allow.Valid || allow.Bool {
		if err := makeTemplate(ctx, conn, u, name); err != nil {
			return "", err
		}
	}
	if pgTemplates.names == nil {
		pgTemplates.names = map[string]string{}
	}
	pgTemplates.names[pg] = name
	return name, nil
}

// makeTemplate creates the database name (dropping one cut short), migrates
// it and closes it to connections.
func makeTemplate(ctx context.Context, conn *sql.Conn, u *url.URL, name string) error {
	if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop the unfinished template %s: %w", name, err)
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create the template %s: %w", name, err)
	}
	t := *u
	t.Path = "/" + name
	d, err := db.Open(ctx, t.String())
	if err != nil {
		return fmt.Errorf("open the template %s: %w", name, err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return fmt.Errorf("migrate the template %s: %w", name, err)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("close the template %s: %w", name, err)
	}
	return closeToConnections(u.String(), name)
}

// dbName is the name of u's database followed by suffix, the former cut
// so that the whole fits PostgreSQL's 63 bytes.
func dbName(u *url.URL, suffix string) string {
	base := strings.ToLower(strings.TrimPrefix(u.Path, "/"))
	if base == "" {
		base = "postgres"
	}
	base = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, base)
	if n := 63 - len(suffix); len(base) > n {
		base = base[:n]
	}
	return base + suffix
}
