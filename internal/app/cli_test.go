package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linli/internal/app"
	"linli/internal/app/apptest"
	"linli/internal/platform/db/dbtest"
)

type runResult struct {
	code           int
	stdout, stderr string
}

// run runs the linli command in-process with no environment of its own.
func run(stdin string, args ...string) runResult {
	var out, errb bytes.Buffer
	code := app.Run(context.Background(), app.Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out,
		Stderr: &errb, Getenv: func(string) string { return "" }})
	return runResult{code, out.String(), errb.String()}
}

func TestCLI(t *testing.T) {
	a := apptest.New(t)
	t.Run("user add", func(t *testing.T) {
		a := a.With(t)
		res := run(apptest.Password+"\n", "user", "add", "--db", a.DBURL, "--username", "cli-district",
			"--role", "district_officer", "--scope", tianhe, "--name", "天河区民政局")
		if res.code != 0 || !strings.Contains(res.stdout, "created user cli-district") {
			t.Fatalf("user add: %d %s %s", res.code, res.stdout, res.stderr)
		}
		a.Login("cli-district", apptest.Password)
		res = run("short\n", "user", "add", "--db", a.DBURL, "--username", "cli-bad", "--role", "district_officer", "--scope", tianhe)
		if res.code != 1 || !strings.Contains(res.stderr, "password") {
			t.Errorf("short password: %d %s", res.code, res.stderr)
		}
		res = run(apptest.Password+"\n", "user", "add", "--db", a.DBURL, "--username", "cli-district", "--role", "district_officer", "--scope", tianhe)
		if res.code != 1 {
			t.Errorf("duplicate username: exit %d", res.code)
		}
	})
	t.Run("divisions import is idempotent", func(t *testing.T) {
		a := a.With(t)
		f := filepath.Join(t.TempDir(), "divisions.csv")
		csv := "code,name\n440106,天河区\n440106001999,五山试点社区居委会\n"
		if err := os.WriteFile(f, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		res := run("", "divisions", "import", "--db", a.DBURL, f)
		if res.code != 0 || !strings.Contains(res.stdout, "total: 2 read, 1 written") {
			t.Fatalf("first import: %d %q %s", res.code, res.stdout, res.stderr)
		}
		res = run("", "divisions", "import", "--db", a.DBURL, f)
		if res.code != 0 || !strings.Contains(res.stdout, "total: 2 read, 0 written") {
			t.Fatalf("second import: %d %q %s", res.code, res.stdout, res.stderr)
		}
		if ok, err := a.Geo.Exists(t.Context(), "440106001999"); err != nil || !ok {
			t.Errorf("imported community missing: %v %v", ok, err)
		}
	})
	t.Run("migrate", func(t *testing.T) {
		fresh := dbtest.URL(t)
		for i := 0; i < 2; i++ {
			if res := run("", "migrate", "--db", fresh); res.code != 0 || !strings.Contains(res.stdout, "migrations applied") {
				t.Fatalf("migrate run %d: %d %s %s", i+1, res.code, res.stdout, res.stderr)
			}
		}
	})
	t.Run("version", func(t *testing.T) {
		if res := run("", "version"); res.code != 0 || !strings.HasPrefix(res.stdout, "linli ") {
			t.Errorf("version: %d %q", res.code, res.stdout)
		}
	})
	t.Run("bad usage exits 2", func(t *testing.T) {
		a := a.With(t)
		for _, args := range [][]string{{}, {"frobnicate"}, {"user", "add", "--bogus"}, {"divisions", "import", "--db", a.DBURL},
			{"migrate", "--no-such-flag"}} {
			if res := run("", args...); res.code != 2 || res.stderr == "" {
				t.Errorf("%q: exit %d, stderr %q; want 2 with usage", args, res.code, res.stderr)
			}
		}
	})
}
