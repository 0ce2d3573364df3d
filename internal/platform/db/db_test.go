package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	d := dbtest.Open(t)
	n, err := d.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("second migrate applied %d migrations, want 0", n)
	}
}

// columns lists table.column for every user table of the database.
func columns(t *testing.T, d *db.DB) []string {
	t.Helper()
	var q string
	if d.Engine == db.SQLite {
		// Ordinary tables only: an FTS5 table and its shadow tables are
		// SQLite's form of an index (PostgreSQL's is a GIN index).
		q = `SELECT m.name || '.' || p.name FROM pragma_table_list m, pragma_table_info(m.name) p
		     WHERE m.schema = 'main' AND m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	} else {
		// tsvector columns (generated, or sent ready by the writer since
		// migration 058) are PostgreSQL's form of what SQLite keeps in the
		// FTS5 table: the vectors a GIN index covers.
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
		     WHERE table_schema = current_schema() AND is_generated = 'NEVER' AND data_type <> 'tsvector'`
	}
	out := dbtest.Strings(t, d, q)
	sort.Strings(out)
	return out
}

func TestSchemasMatchAcrossEngines(t *testing.T) {
	pg := os.Getenv(dbtest.EnvPostgres)
	if pg == "" {
		t.Skip("needs " + dbtest.EnvPostgres + " to compare against PostgreSQL; CI sets it")
	}
	ctx := context.Background()
	s := openSQLite(t, "a.db")
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p := dbtest.Open(t)
	a, b := columns(t, s), columns(t, p)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("schemas differ:\nsqlite:   %v\npostgres: %v", a, b)
	}
}

func TestDialectDetectsUniqueViolation(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	ins := func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO divisions (code, name, level) VALUES ('44', '广东省', 1)`)
		return err
	}
	if err := d.Tx(ctx, ins); err != nil {
		t.Fatal(err)
	}
	err := d.Tx(ctx, ins)
	if !d.Dialect.IsUniqueViolation(err) {
		t.Fatalf("want unique violation, got %v", err)
	}
	if d.Dialect.IsUniqueViolation(errors.New("other")) {
		t.Fatal("plain error taken for a unique violation")
	}
}

func TestPrefixRange(t *testing.T) {
	lo, hi := db.PrefixRange("440106")
	if lo != "440106" || hi != "440107" {
		t.Fatalf("got %q %q", lo, hi)
	}
	for _, c := range []string{"440106", "440106001", "440106001001"} {
		if !(c >= lo && c < hi) {
			t.Errorf("%s not in range", c)
		}
	}
	if "440107001" < hi {
		t.Error("neighbour in range")
	}
}

// The SQLite writer flushes every commit (synchronous=FULL, 2): an
// acknowledged custody posting must survive a power cut.
func TestSQLiteWriterCommitsDurably(t *testing.T) {
	ctx := context.Background()
	d := openSQLite(t, "durable.db")
	var sync int
	if err := d.Write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync != 2 {
		t.Fatalf("writer synchronous = %d, want 2 (FULL)", sync)
	}
}

// A Tx called with a context that carries a transaction joins it: the
// inner work commits or rolls back with the outer.
func TestNestedTxJoins(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	ins := func(ctx context.Context, code string) error {
		return d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO divisions (code, name, level) VALUES ($1, '测试', 1)`, code)
			return err
		})
	}
	count := func() int {
		var n int
		if err := d.Read.QueryRow(`SELECT COUNT(*) FROM divisions WHERE code IN ('91', '92')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("boom")
	err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := ins(ctx, "91"); err != nil {
			return err
		}
		var n int
		if err := d.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM divisions WHERE code = '91'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("the joined write is not seen inside: %d %v", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) || count() != 0 {
		t.Fatalf("rolled back: %v, %d rows", err, count())
	}
	if err := d.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return errors.Join(ins(ctx, "91"), ins(ctx, "92"))
	}); err != nil || count() != 2 {
		t.Fatalf("committed together: %v, %d rows", err, count())
	}
}

func TestCollect(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	scan := func(sc interface{ Scan(...any) error }) (*string, error) {
		var s string
		return &s, sc.Scan(&s)
	}
	rows, err := d.Read.QueryContext(ctx, `SELECT code FROM (SELECT 'a' AS code UNION ALL SELECT 'b') x ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Collect(rows, scan)
	if err != nil || len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("got %v %v", got, err)
	}
	rows, err = d.Read.QueryContext(ctx, `SELECT 'a' AS code WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.Collect(rows, scan); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("no rows: %#v %v", got, err)
	}
	rows, err = d.Read.QueryContext(ctx, `SELECT 'a' AS code, 'b' AS other`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collect(rows, scan); err == nil {
		t.Fatal("a scan error is not returned")
	}
}

func TestColumn(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	rows, err := d.Read.QueryContext(ctx, `SELECT n FROM (SELECT 2 AS n UNION ALL SELECT 1) x ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.Column[int64](rows); err != nil || len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("got %v %v", got, err)
	}
	rows, err = d.Read.QueryContext(ctx, `SELECT 'a' AS code WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.Column[string](rows); err != nil || len(got) != 0 {
		t.Fatalf("no rows: %#v %v", got, err)
	}
	rows, err = d.Read.QueryContext(ctx, `SELECT 'a' AS code, 'b' AS other`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Column[string](rows); err == nil {
		t.Fatal("a scan error is not returned")
	}
}

// TestMaps: Pairs, Set and Groups read key-value, one-column and grouped
// results into maps (Groups keeps the result's order under each key), on
// either engine's integer and text types, and return a scan error.
func TestMaps(t *testing.T) {
	d := dbtest.Open(t)
	query := func(q string) *sql.Rows {
		t.Helper()
		rows, err := d.Read.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	const kv = `SELECT k, v FROM (SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'b', 2 UNION ALL SELECT 'a', 3) x ORDER BY v`
	pairs := map[string]int64{}
	if err := db.Pairs(query(kv), pairs); err != nil || len(pairs) != 2 || pairs["a"] != 3 || pairs["b"] != 2 {
		t.Errorf("Pairs: %v %v", pairs, err)
	}
	groups := map[string][]int{}
	if err := db.Groups(query(kv), groups); err != nil || len(groups) != 2 || !slices.Equal(groups["a"], []int{1, 3}) || !slices.Equal(groups["b"], []int{2}) {
		t.Errorf("Groups: %v %v", groups, err)
	}
	set := map[int64]bool{}
	if err := db.Set(query(`SELECT v FROM (SELECT 4 AS v UNION ALL SELECT 5) x`), set); err != nil || len(set) != 2 || !set[4] || !set[5] {
		t.Errorf("Set: %v %v", set, err)
	}
	if err := db.Set(query(kv), set); err == nil {
		t.Error("Set: a scan error is not returned")
	}
	if err := db.Pairs(query(`SELECT 'a' AS k`), pairs); err == nil {
		t.Error("Pairs: a scan error is not returned")
	}
}

// TestEachReadsEveryRow: Each reads the rows of a statement with
// parameters in order (through pgx's own interface on PostgreSQL), a sum
// into an int, and stops at the callback's first error.
func TestEachReadsEveryRow(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, `INSERT INTO org_tally (lvl, code, status, tier, n) VALUES (3, '440106', 'active', 'a', 2), (3, '440106', 'pending', 'a', 5), (3, '440111', 'active', 'a', 7)`); err != nil {
		t.Fatal(err)
	}
	var got []string
	var sums []int
	err := d.Each(ctx, `SELECT code, COALESCE(SUM(n), 0) FROM org_tally WHERE lvl = $1 AND code >= $2 GROUP BY code ORDER BY code`,
		[]any{3, "440106"}, func(r db.Scanner) error {
			var code string
			var n int
			if err := r.Scan(&code, &n); err != nil {
				return err
			}
			got, sums = append(got, code), append(sums, n)
			return nil
		})
	if err != nil || strings.Join(got, ",") != "440106,440111" || len(sums) != 2 || sums[0] != 7 || sums[1] != 7 {
		t.Fatalf("rows %v, sums %v, %v", got, sums, err)
	}
	stop := errors.New("stop")
	calls := 0
	err = d.Each(ctx, `SELECT code FROM org_tally ORDER BY code`, nil, func(db.Scanner) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("after the first error: %d calls, %v", calls, err)
	}
}

// TestGenericPoolPlansOnce: the Generic pool reads the same database (the
// test's own schema on PostgreSQL) with statements that PostgreSQL plans
// once per connection, while the other pool keeps the server's default;
// on SQLite it is the reader pool.
func TestGenericPoolPlansOnce(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, `INSERT INTO org_tally (lvl, code, status, tier, n) VALUES (3, '440106', 'active', 'a', 2)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.Generic.QueryRowContext(ctx, `SELECT n FROM org_tally WHERE lvl = $1 AND code = $2`, 3, "440106").Scan(&n); err != nil || n != 2 {
		t.Fatalf("read through Generic: %d, %v", n, err)
	}
	if d.Engine != db.Postgres {
		if d.Generic != d.Read {
			t.Fatal("on SQLite Generic is not the reader pool")
		}
		return
	}
	setting := func(p *sql.DB, name string) string {
		var m string
		if err := p.QueryRowContext(ctx, `SELECT current_setting($1)`, name).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if g, r := setting(d.Generic, "plan_cache_mode"), setting(d.Read, "plan_cache_mode"); g != "force_generic_plan" || r == g {
		t.Fatalf("plan_cache_mode: Generic %q, Read %q", g, r)
	}
	// no JIT on either pool: a generic plan's estimate grows with the
	// tables, and JIT's compilation is decided by it (db.go)
	if g, r := setting(d.Generic, "jit"), setting(d.Read, "jit"); g != "off" || r != "off" {
		t.Fatalf("jit: Generic %q, Read %q", g, r)
	}
}

// openSQLite opens a SQLite database in a file of the test's own folder,
// closed when the test ends.
func openSQLite(t *testing.T, name string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// HasPrefix finds exactly the texts that start with the prefix, on both
// engines, in a statement planned for its arguments (Read) and in one
// planned once for any (Generic, where PostgreSQL's range must hold
// without the prefix's value): Chinese names, LIKE's special characters,
// and last characters whose successor is not the next code point (before
// the surrogates, the last code point).
func TestHasPrefixMatchesStrings(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE prefix_t (name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names := []string{"舞蹈队", "舞蹈", "舞蹉", "舞", "a%b", "a_b", `a\b`, "ab", "a", "b", "\uD7FF", "\uD7FFx",
		"\uE000", "\U0010FFFF", "\U0010FFFFa", "a\U0010FFFF", "a\U0010FFFFb", "b\U0010FFFF", "ÿ", "ÿa", "z"}
	for _, n := range names {
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO prefix_t (name) VALUES ($1)`, n); err != nil {
			t.Fatal(err)
		}
	}
	prefixes := append([]string{"%", "_", `\`, "a%", "舞蹈", "\U0010FFFF", "a\U0010FFFF"}, names...)
	for _, pool := range []*sql.DB{d.Read, d.Generic} {
		for _, p := range prefixes {
			cond, args := d.Dialect.HasPrefix("name", p, nil)
			rows, err := pool.QueryContext(ctx, `SELECT name FROM prefix_t WHERE `+cond+` ORDER BY name`, args...)
			if err != nil {
				t.Fatalf("%q: %v", p, err)
			}
			var got []string
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				got = append(got, n)
			}
			rows.Close()
			var want []string
			for _, n := range names {
				if strings.HasPrefix(n, p) {
					want = append(want, n)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("prefix %q: got %q, want %q", p, got, want)
			}
		}
	}
}
