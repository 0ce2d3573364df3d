package dbtest

import (
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestBenchmarksCommitDurably: a test's database skips the commit's flush
// (tmpfs for SQLite where there is one, synchronous_commit off on
// PostgreSQL); a benchmark's does not, since benchmarks measure the
// product's commits as it makes them.
func TestBenchmarksCommitDurably(t *testing.T) {
	flushless := func(dbURL string) bool {
		if strings.HasPrefix(dbURL, "sqlite:") {
			mem := memDir()
			return mem != "" && strings.HasPrefix(strings.TrimPrefix(dbURL, "sqlite:"), mem+string(os.PathSeparator))
		}
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		return u.Query().Get("synchronous_commit") == "off"
	}
	canSkip := os.Getenv(EnvPostgres) != "" || memDir() != ""

	if got := flushless(Migrated(t)); got != canSkip {
		t.Errorf("a test's migrated database skips the flush: %v, want %v", got, canSkip)
	}
	if got := flushless(URL(t)); got != canSkip {
		t.Errorf("a test's empty database skips the flush: %v, want %v", got, canSkip)
	}
	var bench []string
	testing.Benchmark(func(b *testing.B) {
		if len(bench) == 0 {
			bench = append(bench, Migrated(b), URL(b))
		}
	})
	if len(bench) != 2 {
		t.Fatal("the benchmark did not run")
	}
	for _, u := range bench {
		if flushless(u) {
			t.Errorf("a benchmark's database %s skips the flush", u)
		}
	}
}
