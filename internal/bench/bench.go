// Package bench is `linli bench`: it generates a deterministic dataset over
// the real division hierarchy (Guangzhou, or all of China), measures the
// engine's and net/http's bare speed on this machine as anchors, then
// measures linli against them over real HTTP, and reports a table and JSON.
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"linli/internal/demo/catalog"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// Config is what the command line sets.
type Config struct {
	// DB is the database URL (the durable-commit anchor opens its own
	// connection to it).
	DB    string
	Scale string
	Seed  uint64
	// Orgs overrides the number of organizations of the scale.
	Orgs int
	// Divisions is the folder of the national division files.
	Divisions string
	// Requests and Duration bound each request measurement.
	Requests int
	Duration time.Duration
	// Reuse measures a database that already holds a dataset.
	Reuse bool
	// Only limits the measurements to those whose key starts with one of
	// these (org_list, search, dashboard, export, census, ledger, design…);
	// empty for all.
	Only []string
	// NoActivities generates the organizations without their year of
	// activities, volunteers and hours (the activities draw from a stream
	// of their own, so the organizations are those of the seed): for
	// measurements that read no activity, in a fifth of the time.
	NoActivities bool
	// Command is the command line, for the report.
	Command string
	// Progress receives a line as each phase starts; nil for none.
	Progress io.Writer
	Now      func() time.Time
}

// Target is the product under measurement, wired by package app.
type Target struct {
	DB       *db.DB
	Geo      *geo.Store
	Auth     *auth.Service
	Registry *registry.Service
	// Handler mounts every route and returns the product's handler; it is
	// called once the dataset is loaded.
	Handler func() (http.Handler, error)
	// Indicators is the indicators service (kpi), to give the measured
	// city its indicators; nil where there is none.
	Indicators *kpi.Service
	// DashboardCache turns the indicator dashboards' evaluation cache on or
	// off; nil where there is none.
	DashboardCache func(on bool)
	// CoverageCache turns the coverage reports' cache on or off; nil
	// where there is none.
	CoverageCache func(on bool)
	// ListCache turns the organization list's cache on or off; nil where
	// there is none.
	ListCache func(on bool)
	// SearchIndex turns the districts' search documents kept in memory on
	// or off (off: every search asks the database's full-text index); nil
	// where the bench cannot.
	SearchIndex func(on bool)
	// ServeCommand is `linli serve` on a database at a free loopback
	// port, for measuring the server's memory in its own process; nil
	// where the bench cannot start one (inside tests).
	ServeCommand func(ctx context.Context, db string) *exec.Cmd
}

func (c *Config) defaults() error {
	if c.Scale == "" {
		c.Scale = ScaleGuangzhou
	}
	if _, ok := DefaultOrgs[c.Scale]; !ok {
		return fmt.Errorf("bench: unknown scale %q (want guangzhou or national)", c.Scale)
	}
	if c.Orgs <= 0 {
		c.Orgs = DefaultOrgs[c.Scale]
	}
	if c.Divisions == "" {
		c.Divisions = "data/divisions"
	}
	if c.Requests <= 0 {
		c.Requests = map[string]int{ScaleGuangzhou: 2_000, ScaleNational: 20_000}[c.Scale]
	}
	if c.Duration <= 0 {
		c.Duration = map[string]time.Duration{ScaleGuangzhou: 1500 * time.Millisecond, ScaleNational: 10 * time.Second}[c.Scale]
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	return nil
}

func (c *Config) say(format string, args ...any) {
	fmt.Fprintf(c.Progress, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// want reports whether the measurement with this key is to run.
func (c *Config) want(key string) bool {
	if len(c.Only) == 0 {
		return true
	}
	for _, o := range c.Only {
		if strings.HasPrefix(key, o) {
			return true
		}
	}
	return false
}

// Run generates (or reuses) the dataset and measures everything.
func Run(ctx context.Context, cfg Config, t *Target) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	rep := &Report{Command: cfg.Command, Started: time.Now().UTC()}
	rep.Machine = machine(ctx, t.DB)
	if t.DB.Engine == db.Postgres {
		serverCPU, serverCPUSeen = pgBackendCPUs(t.DB, AppName)
		defer func() { serverCPU, serverCPUSeen = nil, nil }()
		rep.Machine.Settings["cpu_per_op"] = "linli's process and its PostgreSQL backends (application_name " + AppName + ")"
	}
	sampler := StartSampler(50 * time.Millisecond)
	defer sampler.Stop()

	cfg.say("anchors: raw bulk insert and durable commits")
	rawN := map[string]int{ScaleGuangzhou: 200_000, ScaleNational: 1_000_000}[cfg.Scale]
	raw, err := rawInsert(ctx, t.DB, min(rawN, max(20_000, cfg.Orgs)))
	if err != nil {
		return nil, err
	}
	commits, err := durableCommits(ctx, t.DB, cfg.DB, 20_000, min(cfg.Duration, 5*time.Second))
	if err != nil {
		return nil, err
	}
	rep.Stats = append(rep.Stats, raw, commits)

	if err := dataset(ctx, &cfg, t, &rep.Dataset); err != nil {
		return nil, err
	}
	m := &measurer{cfg: &cfg, t: t, rep: rep, sampler: sampler}
	if err := m.run(ctx); err != nil {
		return nil, err
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	return rep, nil
}

// dataset generates the dataset into an empty database, or describes the
// one already there when reusing.
func dataset(ctx context.Context, cfg *Config, t *Target, ds *Dataset) error {
	ds.Scale, ds.Seed = cfg.Scale, cfg.Seed
	var n int64
	if err := t.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
		return err
	}
	switch {
	case n > 0 && !cfg.Reuse:
		return fmt.Errorf("bench: the database already holds %d organizations; give a fresh database, or --reuse to measure it as it is", n)
	case n > 0:
		ds.Reused = true
		return countDataset(ctx, t.DB, ds)
	}
	cfg.say("dataset: loading the %s hierarchy", cfg.Scale)
	t0 := time.Now()
	w, err := loadHierarchy(ctx, t, cfg.Scale, cfg.Divisions)
	if err != nil {
		return err
	}
	ds.HierarchyS = time.Since(t0).Seconds()
	cfg.say("dataset: %d divisions in %.1f s; generating about %d organizations (seed %d)", w, ds.HierarchyS, cfg.Orgs, cfg.Seed)
	t1 := time.Now()
	if err := generate(ctx, t.DB, cfg.Seed, cfg.Orgs, cfg.Now(), ds, !cfg.NoActivities, kinds{catalog.Kinds, catalog.HubKinds}); err != nil {
		return fmt.Errorf("bench: generate: %w", err)
	}
	ds.GenerateS = time.Since(t1).Seconds()
	ds.RowsPerS = float64(ds.Orgs+ds.History+ds.SearchDocs) / ds.GenerateS
	cfg.say("dataset: %d organizations, %d history rows, %d search documents in %.1f s", ds.Orgs, ds.History, ds.SearchDocs, ds.GenerateS)
	t2 := time.Now()
	np, err := postings(ctx, cfg, t)
	if err != nil {
		return fmt.Errorf("bench: custody postings: %w", err)
	}
	ds.PostingsS = time.Since(t2).Seconds()
	cfg.say("dataset: %d custody postings through the ledger's service in %.1f s", np, ds.PostingsS)
	// The registry's own backfill (run at every start-up) must find nothing
	// left to index; how long it takes to find that is start-up time.
	t3 := time.Now()
	back, err := t.Registry.EnsureSearchIndex(ctx)
	if err != nil {
		return err
	}
	ds.Backfilled, ds.SearchCheckS = back, time.Since(t3).Seconds()
	// The generator wrote the search documents itself, so it also does
	// what the registry does after indexing in bulk: merge the index.
	if !cfg.Reuse {
		t4 := time.Now()
		if err := t.Registry.MergeSearchIndex(ctx, true); err != nil {
			return err
		}
		cfg.say("search index merged in %.1f s", time.Since(t4).Seconds())
	}
	// The generator wrote organizations and history around the registry,
	// so it also does what the registry's writers do in their transactions:
	// the dated rollup of organizations (orgroll), here in one pass.
	if !cfg.Reuse {
		// with no statistics on the freshly loaded tables, PostgreSQL read
		// each district's history by a hash join over all of org_history
		// (6.6 million rows, 2,978 times at national scale: hours)
		if t.DB.Engine == db.Postgres {
			if _, err := t.DB.Write.ExecContext(ctx, `ANALYZE`); err != nil {
				return fmt.Errorf("bench: analyze: %w", err)
			}
		}
		t5 := time.Now()
		if err := orgroll.Rebuild(ctx, t.DB); err != nil {
			return fmt.Errorf("bench: dated rollup: %w", err)
		}
		cfg.say("dated rollup of organizations built in %.1f s", time.Since(t5).Seconds())
	}
	if err := analyze(ctx, t.DB); err != nil {
		return err
	}
	return countDataset(ctx, t.DB, ds)
}

// analyze refreshes PostgreSQL's planner statistics after the bulk load, as
// autovacuum would shortly; SQLite is left as the product leaves it.
func analyze(ctx context.Context, d *db.DB) error {
	if d.Engine != db.Postgres {
		return nil
	}
	// VACUUM as autovacuum would, soon after a bulk load: besides the
	// statistics it empties the GIN indexes' pending lists, which every
	// full-text query otherwise reads through (a two-character search
	// went from 2.9 ms to 0.3 ms in the index on the Guangzhou dataset).
	_, err := d.Write.ExecContext(ctx, `VACUUM ANALYZE`)
	return err
}

func countDataset(ctx context.Context, d *db.DB, ds *Dataset) error {
	q := []struct {
		dst *int64
		sql string
	}{
		{&ds.Orgs, `SELECT COUNT(*) FROM orgs`},
		{&ds.History, `SELECT COUNT(*) FROM org_history`},
		{&ds.SearchDocs, `SELECT COUNT(*) FROM org_search`},
		{&ds.Registered, `SELECT COUNT(*) FROM orgs WHERE tier = 'registered'`},
		{&ds.Hubs, `SELECT COUNT(*) FROM orgs WHERE hub = 1`},
		{&ds.Brands, `SELECT COUNT(*) FROM orgs WHERE brand = 1`},
		{&ds.Demos, `SELECT COUNT(*) FROM orgs WHERE demonstration_year IS NOT NULL`},
		{&ds.Custody, `SELECT COUNT(*) FROM hub_members WHERE status = 'active'`},
		{&ds.Accounts, `SELECT COUNT(*) FROM ledger_accounts`},
		{&ds.Postings, `SELECT COUNT(*) FROM postings`},
		{&ds.Workers, `SELECT COUNT(*) FROM hub_workers`},
		{&ds.Bases, `SELECT COUNT(*) FROM bases`},
		{&ds.Pilots, `SELECT COUNT(*) FROM pilots`},
		{&ds.Activities, `SELECT COUNT(*) FROM activities`},
		{&ds.Volunteers, `SELECT COUNT(*) FROM volunteers`},
		{&ds.HourEntries, `SELECT COUNT(*) FROM volunteer_hours`},
	}
	for _, x := range q {
		if err := d.Read.QueryRowContext(ctx, x.sql).Scan(x.dst); err != nil {
			return fmt.Errorf("count dataset: %w", err)
		}
	}
	levels := map[int]*int{geo.Community: &ds.Communities, geo.Street: &ds.Streets, geo.District: &ds.Districts}
	rows, err := d.Read.QueryContext(ctx, `SELECT level, COUNT(*) FROM divisions GROUP BY level`)
	if err != nil {
		return err
	}
	defer rows.Close()
	ds.Divisions = 0
	for rows.Next() {
		var l, n int
		if err := rows.Scan(&l, &n); err != nil {
			return err
		}
		ds.Divisions += n
		if p, ok := levels[l]; ok {
			*p = n
		}
	}
	return rows.Err()
}
