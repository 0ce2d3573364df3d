package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"linli/internal/bench"
	"linli/internal/coverage"
)

const benchUsage = `usage: linli bench [--db URL] [--scale guangzhou|national] [--seed N] [--out FILE.json]
                   [--divisions DIR] [--orgs N] [--requests N] [--duration D] [--reuse]
                   [--cpuprofile FILE] [--markdown FILE]

Generates a deterministic dataset over the real hierarchy into an empty
database (guangzhou: the shipped files, about 25,000 organizations;
national: the files in --divisions, about 620,000 communities and 1.75
million organizations), measures the engine's raw bulk-insert and durable
commit rates and a trivial net/http handler as anchors, then measures linli
over HTTP with 32 keep-alive connections, and prints a table (median, p99,
rate, ratio to the anchor, target) and writes the same as JSON to --out.

`

// benchCmd runs `linli bench`.
func benchCmd(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "bench")
	fs.Usage = func() { fmt.Fprint(env.Stderr, benchUsage); fs.PrintDefaults() }
	scale := fs.String("scale", bench.ScaleGuangzhou, "dataset scale: guangzhou or national")
	seed := fs.Uint64("seed", 1, "seed of the deterministic dataset")
	out := fs.String("out", "", "write the results as JSON to this file")
	divisions := fs.String("divisions", "data/divisions", "folder of the national division files (national scale)")
	orgs := fs.Int("orgs", 0, "number of organizations (default: the scale's)")
	requests := fs.Int("requests", 0, "requests per measurement, at most (default: by scale)")
	duration := fs.Duration("duration", 0, "time per measurement, at most (default: by scale)")
	noActs := fs.Bool("no-activities", false, "generate the organizations without their year of activities (for measurements that read none)")
	reuse := fs.Bool("reuse", false, "measure the dataset already in the database instead of generating one")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	only := fs.String("only", "", "comma-separated keys: run only the measurements whose key starts with one (org_list, search, org_page, summary, dashboard, export, census, ledger, design)")
	memLimit := memoryFlag(fs, env)
	markdown := fs.String("markdown", "", "also write the table as Markdown to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	// The product's memory setting, as `linli serve` applies it: the
	// server runs in this process.
	applyMemoryLimit(env, *memLimit)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// On PostgreSQL the bench's connections carry an application name, by
	// which it finds the server processes working for it and counts their CPU.
	*dbURL, _ = bench.Named(*dbURL, bench.AppName)
	// The server's access log is formatted as in production, then dropped:
	// the bench measures the product, not the terminal.
	quiet := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := Open(ctx, Config{DB: *dbURL, KeyFile: keyFile(fs, *dbURL)}, quiet, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	cfg := bench.Config{DB: *dbURL, Scale: *scale, Seed: *seed, Orgs: *orgs, Divisions: *divisions,
		Requests: *requests, Duration: *duration, Reuse: *reuse, NoActivities: *noActs, Progress: env.Stderr,
		Command: "linli bench " + strings.Join(args, " ")}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	t := &bench.Target{DB: a.DB, Geo: a.Geo, Auth: a.Auth, Registry: a.Registry,
		Handler: func() (http.Handler, error) {
			if err := a.Mount(); err != nil {
				return nil, err
			}
			return a.Handler(), nil
		},
		Indicators:     a.KPI,
		DashboardCache: func(on bool) { a.KPI.NoCache(!on) },
		CoverageCache:  func(on bool) { a.KPI.Coverage.(*coverage.Service).NoCache(!on) },
		ListCache:      func(on bool) { a.Registry.NoListCache(!on) },
		SearchIndex:    func(on bool) { a.Registry.NoSearchIndex(!on) }}
	// The server-alone memory reading starts this executable as `linli
	// serve`; inside a test binary that would start the tests again.
	if !testing.Testing() {
		t.ServeCommand = func(ctx context.Context, db string) *exec.Cmd {
			exe, err := os.Executable()
			if err != nil {
				exe = os.Args[0]
			}
			// the same requests as the in-process server, which has no rate
			// limits, with the same data key (a server with another key
			// refuses to start)
			return exec.CommandContext(ctx, exe, "serve", "--db", db, "--key-file", keyFile(fs, *dbURL),
				"--addr", "127.0.0.1:0", "--rate-limits", "off")
		}
	}
	start := time.Now()
	rep, err := bench.Run(ctx, cfg, t)
	if err != nil {
		return err
	}
	rep.Print(env.Stdout)
	if *out != "" {
		if err := rep.WriteJSON(*out); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nwrote %s\n", *out)
	}
	if *markdown != "" {
		var b strings.Builder
		rep.Markdown(&b)
		if err := os.WriteFile(*markdown, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	log.Info("bench done", "seconds", time.Since(start).Seconds())
	return nil
}
