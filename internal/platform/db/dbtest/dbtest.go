// Package dbtest gives each test a fresh, migrated database, migrated once
// per test binary and copied (Migrated, Open): a SQLite file in a scratch
// folder of the test's own, or, when LINLI_TEST_POSTGRES holds a URL, a
// PostgreSQL database beside that one, cloned from a migrated template and
// dropped when the test ends. URL gives an empty one (a fresh PostgreSQL
// schema) to the tests that migrate it themselves; Template copies data
// made once per test binary.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"linli/internal/platform/db"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "LINLI_TEST_POSTGRES"

// URL returns a database URL for a fresh, empty database and registers its
// cleanup: a SQLite file in a scratch folder of the test's own, or a fresh
// schema of the LINLI_TEST_POSTGRES database (see Migrated for one already
// migrated).
func URL(tb testing.TB) string {
	tb.Helper()
	pg := os.Getenv(EnvPostgres)
	if pg == "" {
		return "sqlite:" + filepath.Join(scratchDir(tb), "linli.db")
	}
	schema := "t_" + randomHex()
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		tb.Fatalf("dbtest: open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("dbtest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		a, err := sql.Open("pgx", pg)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := testURL(pg)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return durableURL(tb, pg, u.String())
}

// Migrated returns a database URL for a fresh database holding every
// migration, and registers its cleanup. The migrations run once per test
// binary on SQLite (the migrated file is copied for each test) and once per
// set of migrations on PostgreSQL (a template database, cloned for each
// test with CREATE DATABASE … TEMPLATE, which takes a few tens of
// milliseconds where migrating took seconds).
func Migrated(tb testing.TB) string {
	tb.Helper()
	pg := os.Getenv(EnvPostgres)
	if pg == "" {
		img, err := sqliteImage()
		if err != nil {
			tb.Fatalf("dbtest: %v", err)
		}
		path := filepath.Join(scratchDir(tb), "linli.db")
		if err := os.WriteFile(path, img, 0o600); err != nil {
			tb.Fatalf("dbtest: copy the migrated database: %v", err)
		}
		return "sqlite:" + path
	}
	u, err := pgClone(pg, tb.Cleanup)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	return durableURL(tb, pg, u)
}

// Open returns a fresh migrated database (Migrated), closed when the test
// ends.
func Open(tb testing.TB) *db.DB {
	tb.Helper()
	return OpenURL(tb, Migrated(tb))
}

// OpenURL opens and migrates the database at u (a URL from URL or Migrated,
// perhaps with options added), closed when the test ends.
func OpenURL(tb testing.TB, u string) *db.DB {
	tb.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, u)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatalf("dbtest: migrate: %v", err)
	}
	return d
}

// Dataset opens and migrates the database named by the variable env (a
// generated dataset a benchmark measures, e.g. LINLI_KPI_BENCH_DB), closed
// when the benchmark ends; without the variable the benchmark is skipped,
// saying what to set.
func Dataset(tb testing.TB, env string) *db.DB {
	tb.Helper()
	u := os.Getenv(env)
	if u == "" {
		tb.Skipf("set %s to a database holding a generated dataset (linli bench writes one)", env)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, u)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return d
}

// Strings returns the one text column of the rows query reads (on the
// read pool); an error fails the test.
func Strings(tb testing.TB, d *db.DB, query string, args ...any) []string {
	tb.Helper()
	rows, err := d.Read.Query(query, args...)
	if err != nil {
		tb.Fatalf("dbtest: %s: %v", query, err)
	}
	out, err := db.Column[string](rows)
	if err != nil {
		tb.Fatalf("dbtest: %s: %v", query, err)
	}
	return out
}

// Size is a benchmark's size: the positive whole number in the variable
// env, or def when it holds none.
func Size(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// Vacuum does, on PostgreSQL, what autovacuum does after a bench's bulk
// load: VACUUM ANALYZE of the tables (their statistics and visibility
// map); on SQLite nothing.
func Vacuum(ctx context.Context, d *db.DB, tables ...string) error {
	if d.Engine != db.Postgres {
		return nil
	}
	for _, t := range tables {
		if _, err := d.Write.ExecContext(ctx, "VACUUM ANALYZE "+t); err != nil {
			return fmt.Errorf("dbtest: vacuum %s: %w", t, err)
		}
	}
	return nil
}

// Latencies are the wall times of a benchmark's requests, one each.
type Latencies []time.Duration

// Time runs fn and adds its wall time.
func (l *Latencies) Time(fn func()) {
	s := time.Now()
	fn()
	*l = append(*l, time.Since(s))
}

// Median is the middle latency (the upper of the two middle ones).
func (l Latencies) Median() time.Duration { return l.sorted()[len(l)/2] }

// P99 is the latency 99 in 100 requests took at most.
func (l Latencies) P99() time.Duration { return l.sorted()[len(l)*99/100] }

func (l Latencies) sorted() Latencies { return slices.Sorted(slices.Values(l)) }

// Report reports the median and the 99th percentile in milliseconds, as
// the metrics median-ms and p99-ms.
func (l Latencies) Report(b *testing.B) {
	b.ReportMetric(float64(l.Median().Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(l.P99().Microseconds())/1000, "p99-ms")
}
