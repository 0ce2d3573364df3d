package apptest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"linli/internal/app"
	"linli/internal/bench"
	"linli/internal/platform/db"
)

// Dataset opens the whole product's services (app.Open, no routes) on a
// dataset `linli bench` generated, in the database the environment
// variable dbEnv names, with the data key in the file keyEnv names or
// beside the database; it skips the benchmark when dbEnv is unset. On
// PostgreSQL its connections carry the application name appName, and
// server gives their server processes' CPU so far (0 on SQLite), for a
// benchmark to count the server's work with its own.
func Dataset(tb testing.TB, dbEnv, keyEnv, appName string) (a *app.App, server func() time.Duration) {
	tb.Helper()
	dbURL := os.Getenv(dbEnv)
	if dbURL == "" {
		tb.Skipf("set %s to a database holding a generated dataset (linli bench --only generate-only writes one)", dbEnv)
	}
	key := os.Getenv(keyEnv)
	if key == "" {
		key = app.DefaultKeyFile(dbURL)
	}
	dbURL, appName = bench.Named(dbURL, appName)
	a, err := app.Open(context.Background(), app.Config{DB: dbURL, KeyFile: key}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	server = func() time.Duration { return 0 }
	if a.DB.Engine == db.Postgres {
		server = bench.BackendCPU(a.DB, appName)
	}
	return a, server
}
