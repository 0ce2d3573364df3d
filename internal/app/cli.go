package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/text/width"

	"linli/internal/census"
	"linli/internal/demo"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/idem"
	"linli/internal/platform/web"
)

// Env is what a command runs with: arguments, streams and environment.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

const usage = `linli — community social organization platform

usage:
  linli serve [--addr 127.0.0.1:8080] [--demo] [--db URL]
  linli migrate [--db URL]
  linli user add --username U --role ROLE --scope CODE [--org ID] [--name NAME] [--db URL]   (password on stdin)
  linli user unlock --username U [--address IP] [--db URL]
  linli divisions import [--db URL] FILE...
  linli audit verify [--db URL]
  linli ledger verify [--db URL]
  linli verify --all [--db URL]            (audit log and ledger; refuses a missing or empty database)
  linli backup --to FILE [--db URL]        (SQLite: VACUUM INTO, safe while serving; PostgreSQL: prints the pg_dump recipe)
  linli restore --from FILE [--db URL]     (SQLite, server stopped: verifies the backup, keeps the old file)
  linli keys rotate [--batch 500] [--db URL] [--key-file F]   (new data key in front of the file; seals everything again, resumable)
  linli keys retire [--db URL] [--key-file F]                (old key out of the file once nothing is sealed under it)
  linli keys status [--db URL] [--key-file F]
  linli bench [--db URL] [--scale guangzhou|national] [--seed N] [--out FILE.json]
  linli version

--db (or LINLI_DB): sqlite:PATH (default sqlite:linli.db) or postgres://user@host/db
--key-file (or LINLI_KEY_FILE): the data key (AES-GCM) sealing phones, ID numbers and 2FA secrets;
  created on first start (default linli.key beside the SQLite file; for PostgreSQL under the user's
  config directory: set it explicitly); LINLI_DATA_KEY (base64 of 32 bytes; several, comma-separated,
  the sealing key first, during a rotation) overrides the file
--log-format text|json (or LINLI_LOG_FORMAT): logs on standard error, text lines by default
roles: city_admin district_officer street_officer community_committee hub_staff org_leader auditor security_admin
`

// Run runs one command and returns its exit status.
func Run(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	args, format := logFormat(env.Args, env.Getenv("LINLI_LOG_FORMAT"))
	log, err := newLogger(env.Stderr, format)
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return 2
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	switch cmd := strings.Join(args[:min(2, len(args))], " "); {
	case args[0] == "serve":
		err = serve(ctx, env, log, args[1:])
	case args[0] == "bench":
		err = benchCmd(ctx, env, log, args[1:])
	case args[0] == "migrate":
		err = migrate(ctx, env, log, args[1:])
	case cmd == "user add":
		err = userAdd(ctx, env, log, args[2:])
	case cmd == "user unlock":
		err = userUnlock(ctx, env, log, args[2:])
	case cmd == "divisions import":
		err = divisionsImport(ctx, env, log, args[2:])
	case cmd == "ledger verify":
		err = ledgerVerify(ctx, env, log, args[2:])
	case cmd == "audit verify":
		err = auditVerify(ctx, env, log, args[2:])
	case cmd == "keys rotate":
		err = keysRotate(ctx, env, log, args[2:])
	case cmd == "keys retire":
		err = keysRetire(ctx, env, log, args[2:])
	case cmd == "keys status":
		err = keysStatus(ctx, env, log, args[2:])
	case args[0] == "verify":
		err = verifyCmd(ctx, env, log, args[1:])
	case args[0] == "backup":
		err = backupCmd(ctx, env, log, args[1:])
	case args[0] == "restore":
		err = restoreCmd(ctx, env, log, args[1:])
	case args[0] == "version":
		fmt.Fprintln(env.Stdout, "linli", Version())
	case args[0] == "help", args[0] == "-h", args[0] == "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprintf(env.Stderr, "linli: unknown command %q\n\n%s", strings.Join(args, " "), usage)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(env.Stderr, "linli: %v\n", err)
			return 2
		}
		fmt.Fprintf(env.Stderr, "linli: %v\n", err)
		return 1
	}
	return 0
}

type usageError struct{ error }

func flags(env Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	def := env.Getenv("LINLI_DB")
	if def == "" {
		def = "sqlite:linli.db"
	}
	dbURL := fs.String("db", def, "database URL: sqlite:PATH or postgres://… (env LINLI_DB)")
	fs.String("key-file", env.Getenv("LINLI_KEY_FILE"), "the data key sealing phones, ID numbers and 2FA secrets, created if absent (env LINLI_KEY_FILE; LINLI_DATA_KEY, base64, overrides it; default: linli.key beside a SQLite database)")
	return fs, dbURL
}

// keyFile is --key-file, or where the data key of dbURL lives by default.
func keyFile(fs *flag.FlagSet, dbURL string) string {
	if f := fs.Lookup("key-file"); f != nil && f.Value.String() != "" {
		return f.Value.String()
	}
	return DefaultKeyFile(dbURL)
}

// memoryFlag is --memory-limit (env LINLI_MEMORY_LIMIT): the Go runtime's
// soft memory limit in MiB, so the garbage collector works harder as the
// process nears it instead of letting the heap double; 0 for none. A
// GOMEMLIMIT in the environment wins. 80 MiB: serving the national
// dataset on SQLite the Go side peaked near 100 MiB with a limit of 100
// (live heap under 48 MiB: a limit of 48 held), which with SQLite's page
// caches and the binary took the server past its 150 MiB target; 80 keeps
// it at 138 MiB with no CPU cost measurable on the list, search and
// dashboards (docs/PERFORMANCE.md, "Resident memory").
func memoryFlag(fs *flag.FlagSet, env Env) *int {
	def := 80
	if v, err := strconv.Atoi(env.Getenv("LINLI_MEMORY_LIMIT")); err == nil {
		def = v
	}
	return fs.Int("memory-limit", def, "soft limit of the Go heap and runtime, MiB; 0 for none (env LINLI_MEMORY_LIMIT)")
}

func applyMemoryLimit(env Env, mib int) {
	if mib > 0 && env.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(mib) << 20)
	}
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	return nil
}

func envBool(env Env, name string) bool {
	v := strings.ToLower(env.Getenv(name))
	return v == "1" || v == "true" || v == "yes"
}

func serve(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "serve")
	addrDef := env.Getenv("LINLI_ADDR")
	if addrDef == "" {
		addrDef = "127.0.0.1:8080"
	}
	addr := fs.String("addr", addrDef, "listen address (env LINLI_ADDR)")
	withDemo := fs.Bool("demo", envBool(env, "LINLI_DEMO"), "load demonstration data into an empty database")
	noListCache := fs.Bool("no-list-cache", envBool(env, "LINLI_NO_LIST_CACHE"), "make every organization list from the records, never from the list cache (for measuring; env LINLI_NO_LIST_CACHE)")
	noSearchIndex := fs.Bool("no-search-index", envBool(env, "LINLI_NO_SEARCH_INDEX"), "answer every search from the database's full-text index, never from the districts' documents kept in memory (for measuring; env LINLI_NO_SEARCH_INDEX)")
	secure := fs.Bool("secure-cookies", envBool(env, "LINLI_SECURE_COOKIES"), "mark cookies Secure (TLS ends at a proxy)")
	trust := fs.Bool("trust-proxy", envBool(env, "LINLI_TRUST_PROXY"), "take client addresses from X-Forwarded-For (the right-most address that is not a trusted proxy)")
	proxiesDef := env.Getenv("LINLI_TRUSTED_PROXIES")
	if proxiesDef == "" {
		proxiesDef = "127.0.0.0/8,::1"
	}
	proxies := fs.String("trusted-proxies", proxiesDef, "networks of the proxies in front of linli, comma-separated CIDR (env LINLI_TRUSTED_PROXIES)")
	metricsDef := env.Getenv("LINLI_METRICS_FROM")
	if metricsDef == "" {
		metricsDef = "127.0.0.0/8,::1"
	}
	metricsFrom := fs.String("metrics-from", metricsDef, "networks that may read /metrics; a request with the bearer token in LINLI_METRICS_TOKEN may too (env LINLI_METRICS_FROM)")
	memLimit := memoryFlag(fs, env)
	limitsDef := env.Getenv("LINLI_RATE_LIMITS")
	if limitsDef == "" {
		limitsDef = formatLimits(web.DefaultRateLimits)
	}
	limitsFlag := fs.String("rate-limits", limitsDef, `requests a minute/burst per address and per account, or "off" (env LINLI_RATE_LIMITS)`)
	if err := parse(fs, args); err != nil {
		return err
	}
	limits, err := parseLimits(*limitsFlag)
	if err != nil {
		return usageError{err}
	}
	trustedNets, err := web.ParseNetworks(*proxies)
	if err != nil {
		return usageError{err}
	}
	metricsNets, err := web.ParseNetworks(*metricsFrom)
	if err != nil {
		return usageError{err}
	}
	applyMemoryLimit(env, *memLimit)
	if n, err := census.SweepUploads(""); err != nil {
		log.Warn("sweep leftover uploads", "err", err)
	} else if n > 0 {
		log.Info("removed uploads left by a stopped process", "count", n)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := Open(ctx, Config{DB: *dbURL, KeyFile: keyFile(fs, *dbURL), Addr: *addr, Demo: *withDemo, SecureCookies: *secure, TrustProxy: *trust,
		Limits: limits, TrustedProxies: trustedNets, MetricsFrom: metricsNets, MetricsToken: env.Getenv("LINLI_METRICS_TOKEN")}, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	a.Registry.NoListCache(*noListCache)
	a.Registry.NoSearchIndex(*noSearchIndex)
	if err := a.EnsureHierarchy(ctx); err != nil {
		return err
	}
	var demoRes *demo.Result
	if *withDemo {
		if demoRes, err = demo.Load(ctx, a.DB, a.Geo, a.Registry, a.Auth, a.Now(), 2021); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	if err := a.Mount(); err != nil {
		return err
	}
	if d, err := time.ParseDuration(env.Getenv("LINLI_CENSUS_LEASE")); err == nil && d > 0 {
		a.CensusJobs.Lease = d // how soon another replica takes over a killed one's import
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 10 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go a.purgeSessions(ctx)
	go a.CensusJobs.Loop(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "engine", a.DB.Engine, "version", Version())
	fmt.Fprintf(env.Stdout, "\nlinli %s · http://%s · %s\n", Version(), ln.Addr(), a.DB.Engine)
	if demoRes != nil {
		printDemo(env.Stdout, demoRes)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped cleanly")
	return nil
}

func (a *App) purgeSessions(ctx context.Context) {
	clock.Every(ctx, 15*time.Minute, func() bool {
		if _, err := idem.Purge(ctx, a.DB, a.Now()); err != nil {
			a.Log.Warn("purge idempotency keys", "err", err)
		}
		if _, err := a.Auth.PurgeSignInFailures(ctx); err != nil {
			a.Log.Warn("purge sign-in failures", "err", err)
		}
		if n, err := a.Auth.PurgeSessions(ctx); err != nil {
			a.Log.Warn("purge sessions", "err", err)
		} else if n > 0 {
			a.Log.Info("purged expired sessions", "count", n)
		}
		return true
	})
}

// printDemo prints the demonstration accounts as one readable block, after
// the address, so that log lines (on standard error) never cut through it.
func printDemo(w io.Writer, res *demo.Result) {
	if res.Skipped {
		fmt.Fprintln(w, "演示数据：数据库中已有组织，未再载入 (demo: the database already has organizations; nothing loaded)")
		return
	}
	fmt.Fprintf(w, "演示数据 / demo data: %d fictional organizations (%d hubs, %d brand), loaded in %s\n",
		res.Orgs, res.Hubs, res.Brands, res.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "演示账户 / demo accounts, password %s:\n\n", res.Password)
	// role names from the catalog, in the product's default language: the
	// block is read by a person before signing in
	cat := Catalog()
	rows := [][3]string{{"用户名 username", "角色 role", "范围 scope"}}
	for _, a := range res.Accounts {
		scope := a.ScopeName + " " + a.ScopeCode
		if a.OrgName != "" {
			scope += " · " + a.OrgName
		}
		rows = append(rows, [3]string{a.Username, cat.Msg(i18n.ZH, errs.M("role."+a.Role)) + " " + a.Role, scope})
	}
	var wide [2]int
	for _, r := range rows {
		wide[0], wide[1] = max(wide[0], displayWidth(r[0])), max(wide[1], displayWidth(r[1]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %s%s  %s%s  %s\n", r[0], strings.Repeat(" ", wide[0]-displayWidth(r[0])),
			r[1], strings.Repeat(" ", wide[1]-displayWidth(r[1])), r[2])
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "双因素认证密钥（演示专用，添加到身份验证器应用）/ second-factor secrets (demo only; add them to an authenticator app):")
	for _, a := range res.Accounts {
		if a.TOTPSecret != "" {
			fmt.Fprintf(w, "  %s%s  %s\n", a.Username, strings.Repeat(" ", max(0, wide[0]-displayWidth(a.Username))), a.TOTPSecret)
		}
	}
	fmt.Fprintln(w)
}

// displayWidth is the width of s on a terminal: Chinese characters take two
// columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// logFormat takes --log-format (text or json) out of the arguments, wherever
// it stands; the environment's LINLI_LOG_FORMAT is the default, then text.
func logFormat(args []string, env string) ([]string, string) {
	format := env
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--log-format" || a == "-log-format":
			if i+1 < len(args) {
				format = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--log-format="), strings.HasPrefix(a, "-log-format="):
			format = a[strings.Index(a, "=")+1:]
		default:
			out = append(out, a)
		}
	}
	return out, format
}

// newLogger writes structured logs to standard error: text lines by
// default, one JSON object a line with --log-format json (for collectors).
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is neither text nor json", format)
}

func migrate(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "migrate")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := Open(ctx, Config{DB: *dbURL, KeyFile: keyFile(fs, *dbURL)}, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(env.Stdout, "migrations applied; schema is current")
	return nil
}

func userAdd(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "user add")
	username := fs.String("username", "", "username")
	role := fs.String("role", "", "role code")
	scope := fs.String("scope", "", "scope division code")
	org := fs.Int64("org", 0, "organization id (org_leader, hub_staff)")
	name := fs.String("name", "", "display name")
	if err := parse(fs, args); err != nil {
		return err
	}
	pw, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return fmt.Errorf("read password: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	a, err := Open(ctx, Config{DB: *dbURL, KeyFile: keyFile(fs, *dbURL)}, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureHierarchy(ctx); err != nil {
		return err
	}
	u, err := a.Auth.CreateUser(ctx, nil, auth.NewUser{Username: *username, DisplayName: *name, Role: *role,
		ScopeCode: *scope, OrgID: *org, Password: pw})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(env.Stdout, "created user %s (id %d, %s, scope %s)\n", u.Username, u.ID, u.Role, u.ScopeCode)
	return nil
}

// userUnlock ends the sign-in waits of an account (issue 18).
func userUnlock(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "user unlock")
	username := fs.String("username", "", "username")
	address := fs.String("address", "", "also (or only) end the waits of this client address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" && *address == "" {
		return usageError{errors.New("user unlock needs --username (or --address)")}
	}
	a, err := openExisting(ctx, *dbURL, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *username != "" {
		if err := a.Auth.Unlock(ctx, nil, *username); err != nil {
			return describe(err)
		}
		fmt.Fprintf(env.Stdout, "unlocked %s: its failed sign-ins are forgotten\n", *username)
	}
	if *address != "" {
		if err := a.Auth.UnlockAddress(ctx, nil, *address); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "unlocked address %s\n", *address)
	}
	return nil
}

// formatLimits and parseLimits spell the rate limits as
// "sign_in=10/10,sign_up=10/10,upload=6/3,api=600/200" (a minute/burst).
func formatLimits(l web.RateLimits) string {
	f := func(r web.Rate) string {
		return strconv.FormatFloat(r.PerMinute, 'f', -1, 64) + "/" + strconv.Itoa(r.Burst)
	}
	return "sign_in=" + f(l.SignIn) + ",sign_up=" + f(l.SignUp) + ",upload=" + f(l.Upload) + ",api=" + f(l.API)
}

func parseLimits(s string) (web.RateLimits, error) {
	var l web.RateLimits
	if s == "off" {
		return l, nil
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		per, burst, ok2 := strings.Cut(v, "/")
		pm, err1 := strconv.ParseFloat(per, 64)
		b, err2 := strconv.Atoi(burst)
		if !ok || !ok2 || err1 != nil || err2 != nil || pm < 0 || b < 1 {
			return l, fmt.Errorf("rate limit %q: want kind=PER_MINUTE/BURST", part)
		}
		r := web.Rate{PerMinute: pm, Burst: b}
		switch k {
		case "sign_in":
			l.SignIn = r
		case "sign_up":
			l.SignUp = r
		case "upload":
			l.Upload = r
		case "api":
			l.API = r
		default:
			return l, fmt.Errorf("rate limit %q: kinds are sign_in, sign_up, upload, api", part)
		}
	}
	return l, nil
}

func divisionsImport(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "divisions import")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("divisions import needs at least one FILE")}
	}
	a, err := Open(ctx, Config{DB: *dbURL, KeyFile: keyFile(fs, *dbURL)}, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	im := &geo.Importer{Store: a.Geo}
	total := geo.Result{}
	start := time.Now()
	for _, f := range fs.Args() {
		t0 := time.Now()
		res, err := im.ImportFile(ctx, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: %d read, %d written in %s\n", f, res.Read, res.Written, time.Since(t0).Round(time.Millisecond))
		total.Read += res.Read
		total.Written += res.Written
	}
	fmt.Fprintf(env.Stdout, "total: %d read, %d written in %s\n", total.Read, total.Written, time.Since(start).Round(time.Millisecond))
	return nil
}

func auditVerify(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	return verifyCommand(ctx, env, log, "audit verify", args, verifyAudit)
}

// verifyCommand is a command that parses the common flags, opens the
// database they name and runs check on it, reporting to stdout.
func verifyCommand(ctx context.Context, env Env, log *slog.Logger, name string, args []string,
	check func(ctx context.Context, w io.Writer, a *App) error) error {
	fs, dbURL := flags(env, name)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := openExisting(ctx, *dbURL, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return check(ctx, env.Stdout, a)
}

// describe spells out a validation error for the terminal.
func describe(err error) error {
	cat := Catalog()
	if e, ok := errs.As(err); ok {
		var b strings.Builder
		b.WriteString(cat.Msg("en", e.Message))
		for f, m := range e.Fields {
			fmt.Fprintf(&b, "\n  %s: %s", f, cat.Msg("en", m))
		}
		return errors.New(b.String())
	}
	return err
}
