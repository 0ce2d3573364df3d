// Package app builds everything: it opens the database, migrates, creates
// the services and mounts every capability's routes. Only cmd/ imports it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"linli/internal/account"
	"linli/internal/activity"
	"linli/internal/auditlog"
	"linli/internal/census"
	"linli/internal/civic"
	"linli/internal/coverage"
	"linli/internal/effective"
	"linli/internal/evaluation"
	"linli/internal/funding"
	"linli/internal/geo"
	"linli/internal/geomap"
	"linli/internal/governance"
	"linli/internal/home"
	"linli/internal/hub"
	"linli/internal/incubation"
	"linli/internal/kpi"
	"linli/internal/ledger"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/platform/upload"
	"linli/internal/platform/web"
	"linli/internal/points"
	"linli/internal/portal"
	"linli/internal/readiness"
	"linli/internal/registry"
	"linli/internal/training"
)

// DefaultSessionTTL keeps who a session belongs to for 2 seconds: a page and
// the requests it makes read the session once, and a sign-out or a disabled
// account on another replica takes effect within 2 seconds.
const DefaultSessionTTL = 2 * time.Second

// Config is what the command line and environment set.
type Config struct {
	DB            string
	Addr          string
	Demo          bool
	SecureCookies bool
	TrustProxy    bool
	IdleTimeout   time.Duration
	AbsTimeout    time.Duration
	// SessionTTL is how long who a session belongs to is kept in memory
	// (zero: DefaultSessionTTL; negative: read on every request). Another
	// replica sees a sign-out or a disabled account within it.
	SessionTTL time.Duration
	// Limits are the request rate limits (zero: none; linli serve sets
	// web.DefaultRateLimits) and Throttle the sign-in throttle.
	Limits   web.RateLimits
	Throttle auth.Throttle
	// TrustedProxies (with TrustProxy) and MetricsFrom default to
	// loopback; MetricsToken also opens /metrics.
	TrustedProxies, MetricsFrom []*net.IPNet
	MetricsToken                string
	// KeyFile holds the data key that seals phones, ID numbers and
	// second-factor secrets (created if absent; LINLI_DATA_KEY overrides
	// it). Empty: the process's key (pii.Current; tests).
	KeyFile string
}

// App is the wired product.
type App struct {
	Cfg      Config
	DB       *db.DB
	Geo      *geo.Store
	Auth     *auth.Service
	Registry *registry.Service
	KPI      *kpi.Service
	Activity *activity.Service
	Portal   *portal.Service
	Civic    *civic.Service
	// The rooms' services Mount builds, as the routes serve them (tests
	// use these rather than wiring their own).
	Evaluation *evaluation.Service
	Governance *governance.Service
	Points     *points.Service
	Training   *training.Service
	Readiness  *readiness.Service
	Web        *web.Server
	Router     *web.Router
	Log        *slog.Logger
	Now        func() time.Time
	Metrics    *prometheus.Registry

	// CensusJobs runs census imports; serve recovers what a stopped
	// replica left (census.Jobs.Loop).
	CensusJobs *census.Jobs
}

// Open opens and migrates the database and builds the services; it mounts
// no routes (the command-line tools use it too).
func Open(ctx context.Context, cfg Config, log *slog.Logger, now func() time.Time) (*App, error) {
	return open(ctx, cfg, log, now, true)
}

// open is Open; without migrate it changes nothing in the database (the
// verify commands, on a database or a backup that must already exist).
func open(ctx context.Context, cfg Config, log *slog.Logger, now func() time.Time, migrate bool) (*App, error) {
	if now == nil {
		now = time.Now
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 2 * time.Hour
	}
	if cfg.AbsTimeout == 0 {
		cfg.AbsTimeout = 12 * time.Hour
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if !migrate {
		// nothing written
	} else if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	if migrate {
		if err := openKey(ctx, d, cfg.KeyFile, log); err != nil {
			d.Close()
			return nil, err
		}
	}
	a := &App{Cfg: cfg, DB: d, Log: log, Now: now}
	a.Geo = &geo.Store{DB: d}
	a.Registry = &registry.Service{DB: d, Geo: a.Geo, Now: now}
	a.Registry.HubMembers = hub.ActiveMembers
	if !migrate {
		// nothing written
	} else if _, err := a.Registry.EnsureSearchIndex(ctx); err != nil {
		d.Close()
		return nil, err
	} else if _, err := orgroll.Ensure(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	a.KPI = &kpi.Service{DB: d, Geo: a.Geo, Now: now}
	a.KPI.Coverage = &coverage.Service{DB: d, Geo: a.Geo, Now: now}
	a.Auth = &auth.Service{DB: d, Now: now, IdleTimeout: cfg.IdleTimeout, AbsTimeout: cfg.AbsTimeout,
		Orgs: a.Registry, DivisionExists: a.Geo.Exists, Throttle: cfg.Throttle, SessionTTL: cfg.SessionTTL}
	// an organization's leader bound to the organization it registered
	a.Registry.UsersChanged = a.Auth.Forget
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Catalog merges every package's messages.
func Catalog() *i18n.Catalog {
	return i18n.New(i18n.Common, account.Messages, registry.Messages, auditlog.Messages, auditlog.Names, home.Messages, hub.Messages, incubation.Messages, ledger.Messages, census.Messages, sheet.Messages, upload.Messages, kpi.Messages, activity.Messages, coverage.Messages,
		points.Messages, effective.Messages, funding.Messages,
		training.Messages, readiness.Messages, governance.Messages, evaluation.Messages, portal.Messages, civic.Messages)
}

// Mount builds the web server and mounts every route.
func (a *App) Mount() error {
	cat := Catalog()
	r, err := web.NewRenderer(cat, account.Templates, home.Templates, registry.Templates, geo.Templates, auditlog.Templates, hub.Templates, incubation.Templates, ledger.Templates, census.Templates, kpi.Templates, activity.Templates, coverage.Templates,
		points.Templates, funding.Templates,
		training.Templates, readiness.Templates, governance.Templates, evaluation.Templates, portal.Templates, civic.Templates)
	if err != nil {
		return err
	}
	r.Place = (&geo.Namer{S: a.Geo}).Name
	a.Metrics = prometheus.NewRegistry()
	a.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Web = web.NewServer(cat, r, a.Auth, a.Log, a.Metrics)
	a.Web.Demo, a.Web.SecureCookies, a.Web.TrustProxy = a.Cfg.Demo, a.Cfg.SecureCookies, a.Cfg.TrustProxy
	a.Web.Limits = a.Cfg.Limits
	a.Web.TrustedProxies, a.Web.MetricsFrom, a.Web.MetricsToken = a.Cfg.TrustedProxies, a.Cfg.MetricsFrom, a.Cfg.MetricsToken
	rt := web.NewRouter()
	a.Router = rt
	rt.Handle("GET /static/", web.Static())
	rt.HandleFunc("GET /healthz", a.healthz)
	rt.Handle("GET /metrics", a.Web.Metrics(promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{})))
	(&account.Handlers{S: a.Web, Auth: a.Auth, Places: a.Geo, Orgs: a.Registry}).Routes(rt)
	eval := &evaluation.Service{DB: a.DB, Orgs: a.Registry, Users: a.Auth, Geo: a.Geo, Now: a.Now}
	a.Evaluation = eval
	(&registry.Handlers{S: a.Web, Svc: a.Registry, Grade: eval.CurrentGrade}).Routes(rt)
	(&geo.Handlers{S: a.Web, Store: a.Geo, Counts: a.Registry}).Routes(rt)
	(&auditlog.Handlers{S: a.Web, Svc: &auditlog.Service{DB: a.DB}}).Routes(rt)
	led := &ledger.Service{DB: a.DB, Orgs: a.Registry, Now: a.Now}
	(&ledger.Handlers{S: a.Web, Svc: led}).Routes(rt)
	hubs := &hub.Service{DB: a.DB, Reg: a.Registry, Custody: led, Now: a.Now}
	(&hub.Handlers{S: a.Web, Svc: hubs}).Routes(rt)
	eval.Hubs = led
	fund := &funding.Service{DB: a.DB, Orgs: a.Registry, Custody: led, Users: a.Auth, Geo: a.Geo, Now: a.Now, Evaluations: eval}
	led.ProjectCheck = fund.CheckExpenseTag
	(&funding.Handlers{S: a.Web, Svc: fund}).Routes(rt)
	(&incubation.Handlers{S: a.Web, Svc: &incubation.Service{DB: a.DB, Geo: a.Geo, Orgs: a.Registry, Now: a.Now}}).Routes(rt)
	(&kpi.Handlers{S: a.Web, Svc: a.KPI}).Routes(rt)
	a.Points = &points.Service{DB: a.DB, Geo: a.Geo, Orgs: a.Registry, Now: a.Now}
	(&points.Handlers{S: a.Web, Svc: a.Points}).Routes(rt)
	a.CensusJobs = census.NewJobs(&census.Service{DB: a.DB, Registry: a.Registry, Geo: a.Geo, Cat: cat, Now: a.Now}, a.Log)
	(&census.Handlers{S: a.Web, Svc: a.CensusJobs.Svc, Jobs: a.CensusJobs}).Routes(rt)
	cen := a.CensusJobs.Svc
	a.Activity = &activity.Service{DB: a.DB, Orgs: a.Registry, Exists: a.Geo.Exists, Serves: hubs.Serves, Now: a.Now,
		OrgList: a.Registry.List, Children: a.Geo.Children, Find: a.Geo.Find}
	(&activity.Handlers{S: a.Web, Svc: a.Activity, Places: a.Geo}).Routes(rt)
	gov := &governance.Service{DB: a.DB, Orgs: a.Registry, Geo: a.Geo, Money: led, Now: a.Now}
	a.Governance = gov
	(&governance.Handlers{S: a.Web, Svc: gov}).Routes(rt)
	board := &home.Board{Sources: []home.Source{home.OrgTasks(a.Registry), home.ExpenseTasks(led), home.ReportTasks(a.Activity),
		home.WorkReportTasks(gov), home.CensusTasks(cen)}}
	a.Portal = &portal.Service{DB: a.DB, Geo: a.Geo, Orgs: a.Registry, KPI: a.KPI, Funding: fund, Cat: cat, Now: a.Now}
	pub := &portal.Handlers{S: a.Web, Svc: a.Portal}
	pub.Routes(rt)
	(&home.Handlers{S: a.Web, Sum: a.Registry, Geo: a.Geo, Board: board, Anonymous: pub.Home}).Routes(rt)
	cov := &coverage.Handlers{S: a.Web, Svc: a.KPI.Coverage.(*coverage.Service)}
	cov.Routes(rt)
	(&geomap.Handlers{S: a.Web, Order: []string{"indicator", "count", "coverage"}, Layers: map[string]geomap.Layer{
		"indicator": a.KPI.MapIndicator, "count": a.KPI.MapCount, "coverage": cov.MapLayer}}).Routes(rt)
	a.Training = &training.Service{DB: a.DB, Geo: a.Geo, Orgs: a.Registry, Now: a.Now}
	(&training.Handlers{S: a.Web, Svc: a.Training}).Routes(rt)
	a.Readiness = &readiness.Service{DB: a.DB, Geo: a.Geo, Orgs: a.Registry, Now: a.Now}
	(&readiness.Handlers{S: a.Web, Svc: a.Readiness}).Routes(rt)
	(&evaluation.Handlers{S: a.Web, Svc: eval, Places: a.Geo}).Routes(rt)
	a.Civic = &civic.Service{DB: a.DB, Geo: a.Geo, Auth: a.Auth, Orgs: a.Registry, Activity: a.Activity,
		Needs: fund, City: geo.GuangzhouCode, Now: a.Now, Projects: func(ctx context.Context, u *auth.User, id int64) error {
			_, err := fund.Project(ctx, u, id)
			return err
		}}
	(&civic.Handlers{S: a.Web, Svc: a.Civic}).Routes(rt)
	a.Web.ResidentMay, a.Web.ResidentHome = rt.ResidentMay, civic.Home
	wireRooms(a.Portal, a.Civic, eval, gov)
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This document", Tag: "meta", Public: true},
		func(w http.ResponseWriter, r *http.Request) {
			web.JSON(w, http.StatusOK, rt.OpenAPI("linli", Version()))
		})
	return nil
}

// Handler is the whole product as one http.Handler.
func (a *App) Handler() http.Handler { return a.Web.Wrap(a.Router.Mux) }

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Error("health check", "err", err)
		web.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": a.DB.Engine})
		return
	}
	web.JSON(w, http.StatusOK, map[string]string{"status": "ok", "database": a.DB.Engine, "version": Version()})
}

// EnsureHierarchy loads the shipped Guangzhou hierarchy into an empty database.
func (a *App) EnsureHierarchy(ctx context.Context) error {
	var n int
	if err := a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM divisions`).Scan(&n); err != nil {
		return fmt.Errorf("count divisions: %w", err)
	}
	if n > 0 {
		return nil
	}
	res, err := (&geo.Importer{Store: a.Geo}).LoadGuangzhou(ctx)
	if err != nil {
		return err
	}
	a.Log.Info("loaded the Guangzhou hierarchy", "divisions", res.Written)
	return nil
}
