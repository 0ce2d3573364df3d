// Package apptest builds the whole product on a fresh database for tests:
// the real router behind a real HTTP server, a clock the test controls, and
// helpers to create accounts and organizations through the services and to
// talk to the server as a signed-in user.
package apptest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"linli/internal/app"
	"linli/internal/demo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock/clocktest"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/pii"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Password is the password of every account the helpers create.
const Password = "correct-horse-9"

// Clock is a settable clock; it starts at Start and moves only when told.
type Clock = clocktest.Clock

// Start is where every test clock begins: 2023-06-15 10:00 China time.
var Start = time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC)

// App is the product under test, served over HTTP.
type App struct {
	*app.App
	T      testing.TB
	DBURL  string
	Clock  *Clock
	Server *httptest.Server
	seq    *atomic.Int64
	// secrets are the second-factor secrets of the accounts the helpers
	// enrolled, by username.
	secrets *sync.Map
}

// New builds the product on a fresh database with the Guangzhou hierarchy,
// mounts every route and serves them; all of it ends with the test. The
// database comes migrated (dbtest.Migrated); the product's start finds
// nothing left to migrate.
func New(t testing.TB) *App {
	t.Helper()
	return serve(t, dbtest.Migrated(t))
}

// NewDemo is New on a database holding the demonstration: demo.Load at
// Start with seed 2021, as a test would load it on New's app, made once per
// test binary and copied for each test (dbtest.Template). It returns the
// load's result too. A package that calls it calls CloseDemo from TestMain.
func NewDemo(t testing.TB) (*App, *demo.Result) {
	t.Helper()
	a := serve(t, demoData.tpl.URL(t))
	res := *demoData.res
	res.Accounts = slices.Clone(res.Accounts)
	res.ByStatus = maps.Clone(res.ByStatus)
	return a, &res
}

// CloseDemo removes NewDemo's template (a PostgreSQL database); call it
// from TestMain after the tests.
func CloseDemo() error { return demoData.tpl.Close() }

// demoData is NewDemo's template and the result of the load that filled it.
var demoData struct {
	tpl *dbtest.Template
	res *demo.Result
}

func init() {
	demoData.tpl = &dbtest.Template{Fill: func(dbURL string) error {
		ctx := context.Background()
		a, keyFile, err := open(ctx, dbURL, (clocktest.New(Start)).Now)
		if err != nil {
			return err
		}
		defer os.Remove(keyFile)
		defer a.Close()
		demoData.res, err = demo.Load(ctx, a.DB, a.Geo, a.Registry, a.Auth, Start, 2021)
		if err != nil {
			return fmt.Errorf("apptest: demo: %w", err)
		}
		return nil
	}}
}

// open opens the product on the database at dbURL with the test data key
// (written where linli's commands look for it, so that a test running one
// of them on this database opens it with the same key; the caller removes
// it) and the Guangzhou hierarchy.
func open(ctx context.Context, dbURL string, now func() time.Time) (*app.App, string, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keyFile := app.DefaultKeyFile(dbURL)
	if err := pii.WriteKey(keyFile, TestKey[:]); err != nil {
		return nil, "", fmt.Errorf("apptest: key: %w", err)
	}
	a, err := app.Open(ctx, app.Config{DB: dbURL, KeyFile: keyFile}, log, now)
	if err != nil {
		os.Remove(keyFile)
		return nil, "", fmt.Errorf("apptest: open: %w", err)
	}
	a.Auth.Hashing = auth.Cheapest() // tests' accounts protect nothing: hash them cheaply
	if err := a.EnsureHierarchy(ctx); err != nil {
		a.Close()
		os.Remove(keyFile)
		return nil, "", fmt.Errorf("apptest: hierarchy: %w", err)
	}
	return a, keyFile, nil
}

// serve opens the product on the database at dbURL with a test clock,
// mounts every route and serves them; all of it ends with the test.
func serve(t testing.TB, dbURL string) *App {
	t.Helper()
	clock := clocktest.New(Start)
	a, keyFile, err := open(context.Background(), dbURL, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(keyFile) })
	t.Cleanup(func() { a.Close() })
	if err := a.Mount(); err != nil {
		t.Fatalf("apptest: mount: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &App{App: a, T: t, DBURL: dbURL, Clock: clock, Server: srv, seq: new(atomic.Int64), secrets: &sync.Map{}}
}

// TestKey is the data key of every test database (see pii).
var TestKey = sha256.Sum256([]byte("linli test data key"))

// With returns the same app reporting to t, for use inside a subtest.
func (a *App) With(t testing.TB) *App {
	b := *a
	b.T = t
	return &b
}

// URL is the server's base URL.
func (a *App) URL() string { return a.Server.URL }

// CreateUser creates an account with Password through the auth service; an
// empty username gets a unique one made from the role.
func (a *App) CreateUser(username, role, scope string, orgID int64) *auth.User {
	a.T.Helper()
	if username == "" {
		username = strings.ReplaceAll(role, "_", "-") + "-" + itoa(a.seq.Add(1))
	}
	u, err := a.Auth.CreateUser(context.Background(), nil, auth.NewUser{Username: username, DisplayName: username,
		Role: role, ScopeCode: scope, OrgID: orgID, Password: Password})
	if err != nil {
		a.T.Fatalf("apptest: create user %s (%s at %s): %v", username, role, scope, err)
	}
	if auth.RequiresTOTP(role) {
		// enrolled with a known secret, as its role requires; Login
		// computes the codes
		a.EnrolTOTP(u, auth.KnownSecret(username))
	}
	return u
}

// EnrolTOTP turns the second factor on for u with secret (through the
// service, as the command line does) and remembers it for Login.
func (a *App) EnrolTOTP(u *auth.User, secret string) []string {
	a.T.Helper()
	codes, err := a.Auth.EnrolKnown(context.Background(), u.ID, secret)
	if err != nil {
		a.T.Fatalf("apptest: enrol %s: %v", u.Username, err)
	}
	a.secrets.Store(u.Username, secret)
	u.TOTP = true
	return codes
}

// RememberTOTP tells Login the secret of an account enrolled another way.
func (a *App) RememberTOTP(username, secret string) { a.secrets.Store(username, secret) }

// TOTPCode is a code of username's secret that the server accepts now: a
// step within one of the clock's that the account has not used yet (a code
// is accepted once); when the three are used, the clock moves on 30 s.
func (a *App) TOTPCode(username string) string {
	a.T.Helper()
	v, ok := a.secrets.Load(username)
	secret, _ := v.(string)
	if !ok {
		secret = auth.KnownSecret(username)
	}
	var last int64
	if err := a.DB.Read.QueryRow(`SELECT totp_step FROM users WHERE username = $1`, username).Scan(&last); err != nil {
		a.T.Fatalf("apptest: totp step of %s: %v", username, err)
	}
	for {
		cur := a.Clock.Now().Unix() / 30
		for _, st := range []int64{cur - 1, cur, cur + 1} {
			if st > last {
				return auth.TOTPCode(secret, time.Unix(st*30, 0))
			}
		}
		a.Clock.Advance(30 * time.Second)
	}
}

// User creates an account of a role at a scope with a generated username.
func (a *App) User(role, scope string) *auth.User { return a.CreateUser("", role, scope, 0) }

// OrgInput is a valid filing of a community-tier organization
// (registrytest.Input).
func OrgInput(name, community string) registry.Input { return registrytest.Input(name, community) }

// ActiveInput is OrgInput recorded as already active
// (registrytest.ActiveInput).
func ActiveInput(name, community string) registry.Input {
	return registrytest.ActiveInput(name, community)
}

// ActiveOrg records, as by, an active community-tier organization
// (ActiveInput) through the registry service.
func (a *App) ActiveOrg(by *auth.User, name, community string) *registry.Org {
	a.T.Helper()
	return a.CreateOrg(by, ActiveInput(name, community))
}

// Import files n organizations, in(i) the i-th, through one registry
// import as by (the bulk path the census takes: one transaction, rows
// numbered from 2 as in a sheet); a refused row or a failed import fails
// the test.
func (a *App) Import(by *auth.User, n int, in func(i int) registry.Input) {
	a.T.Helper()
	ctx := context.Background()
	im, err := a.Registry.BeginImport(ctx, by, registry.ImportOptions{})
	if err != nil {
		a.T.Fatalf("apptest: begin import: %v", err)
	}
	for i := range n {
		row := in(i)
		if _, f, err := im.Add(ctx, i+2, row, nil); err != nil || len(f) > 0 {
			a.T.Fatalf("apptest: import %q: %v %v", row.Name, err, f)
		}
	}
	if _, err := im.Finish(ctx); err != nil {
		a.T.Fatalf("apptest: finish import: %v", err)
	}
}

// CreateOrg files an organization through the registry service as by.
func (a *App) CreateOrg(by *auth.User, in registry.Input) *registry.Org {
	a.T.Helper()
	o, err := a.Registry.Create(context.Background(), by, in)
	if err != nil {
		a.T.Fatalf("apptest: create org %q: %v", in.Name, err)
	}
	return o
}

// Hub designates hub through the API as by (an officer of its street or
// above), then creates a member of its staff, named staff (one is made up
// when ""), who takes members into the hub's service. Any answer but 200
// for the designation and 201 for a member fails the test. It returns the
// staff member.
func (a *App) Hub(by *auth.User, hub *registry.Org, staff string, members ...*registry.Org) *auth.User {
	a.T.Helper()
	if r := a.As(by).Do("POST", "/api/v1/hubs", map[string]any{"org_id": hub.ID}); r.Status != http.StatusOK {
		a.T.Fatalf("apptest: designate hub %d: %d %s", hub.ID, r.Status, r.Body)
	}
	u := a.CreateUser(staff, auth.HubStaff, hub.StreetCode, hub.ID)
	c := a.As(u)
	for _, m := range members {
		if r := c.Do("POST", "/api/v1/hubs/"+itoa(hub.ID)+"/members", map[string]any{"org_id": m.ID}); r.Status != http.StatusCreated {
			a.T.Fatalf("apptest: hub %d takes %d: %d %s", hub.ID, m.ID, r.Status, r.Body)
		}
	}
	return u
}

// Org reads an organization straight through the service, as the city.
func (a *App) Org(id int64) *registry.Org {
	a.T.Helper()
	o, err := a.Registry.Get(context.Background(), &auth.User{Role: auth.CityAdmin, ScopeCode: "44"}, id)
	if err != nil {
		a.T.Fatalf("apptest: get org %d: %v", id, err)
	}
	return o
}

// Count counts the rows of a table (a fixed name from the test, never input).
func (a *App) Count(table string) int {
	a.T.Helper()
	var n int
	if err := a.DB.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		a.T.Fatalf("apptest: count %s: %v", table, err)
	}
	return n
}

// Client talks to the server with its own cookie jar and never follows
// redirects, so tests see them.
type Client struct {
	HTTP   *http.Client
	a      *App
	Header http.Header // sent with every request
}

// With returns the same client (same cookies) reporting to t, for use
// inside a subtest.
func (c *Client) With(t testing.TB) *Client {
	d := *c
	d.a = c.a.With(t)
	return &d
}

// Anon is a client with no session.
func (a *App) Anon() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{a: a, Header: http.Header{}, HTTP: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login signs in over POST /api/v1/session and fails the test otherwise.
func (a *App) Login(username, password string) *Client {
	a.T.Helper()
	c := a.Anon()
	r := c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": password})
	if r.Status == http.StatusUnauthorized && r.IsJSON() && r.Error().Fields["totp"] != "" {
		// the account has the second factor on
		r = c.Do("POST", "/api/v1/session", map[string]string{"username": username, "password": password,
			"totp": a.TOTPCode(username)})
	}
	if r.Status != http.StatusOK {
		a.T.Fatalf("apptest: login %s: %d %s", username, r.Status, r.Body)
	}
	var me auth.User
	r.Decode(&me)
	if me.MustEnrol() {
		// an account made outside the helpers (the API, the command line)
		// whose role requires the factor: enrol as its owner would
		b := c.Do("POST", "/api/v1/me/totp", nil)
		var e auth.TOTPEnrolment
		b.Decode(&e)
		if b.Status != http.StatusCreated || e.Secret == "" {
			a.T.Fatalf("apptest: begin 2FA for %s: %d %s", username, b.Status, b.Body)
		}
		a.secrets.Store(username, e.Secret)
		if k := c.Do("POST", "/api/v1/me/totp/confirm", map[string]string{"totp": a.TOTPCode(username)}); k.Status != http.StatusOK {
			a.T.Fatalf("apptest: confirm 2FA for %s: %d %s", username, k.Status, k.Body)
		}
	}
	return c
}

// As signs in as u with Password.
func (a *App) As(u *auth.User) *Client {
	a.T.Helper()
	return a.Login(u.Username, Password)
}

// Response is a read response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	t      testing.TB
	req    string // the request's method and path, for Expect's message
}

// APIError is the body of a JSON error.
type APIError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// Upload is a multipart/form-data body: one file and plain fields.
type Upload struct {
	Field, Filename string
	Data            []byte
	Fields          map[string]string
}

func (u Upload) encode() (io.Reader, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range u.Fields {
		mw.WriteField(k, v)
	}
	if u.Field != "" {
		fw, _ := mw.CreateFormFile(u.Field, u.Filename)
		fw.Write(u.Data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// Do sends a request. A url.Values body is sent as a form, an Upload as
// multipart, a string or []byte as-is (JSON), anything else marshalled to JSON.
func (c *Client) Do(method, path string, body any, header ...string) *Response {
	c.a.T.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case Upload:
		rd, ctype = b.encode()
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.a.T.Fatalf("apptest: marshal: %v", err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.a.Server.URL+path, rd)
	if err != nil {
		c.a.T.Fatalf("apptest: request: %v", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.a.T.Fatalf("apptest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.a.T.Fatalf("apptest: %s %s: read: %v", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data, t: c.a.T, req: method + " " + path}
}

// Cookie returns the client's cookie of that name for the server, or "".
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.a.Server.URL)
	for _, k := range c.HTTP.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// Decode unmarshals the body into v, failing the test if it is not JSON.
func (r *Response) Decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("apptest: decode %d %q: %v", r.Status, truncate(string(r.Body), 300), err)
	}
}

// Expect fails the test unless the response has status, naming the
// request and showing the body: the one check of a response's status before
// it is read (c.Do(…).Expect(http.StatusOK).Decode(&v)); it returns the
// response, to decode.
func (r *Response) Expect(status int) *Response {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("apptest: %s: status %d, want %d: %s", r.req, r.Status, status, truncate(string(r.Body), 300))
	}
	return r
}

// Error decodes a JSON error body.
func (r *Response) Error() APIError {
	r.t.Helper()
	var e struct {
		Error APIError `json:"error"`
	}
	r.Decode(&e)
	return e.Error
}

// String is the body as text.
func (r *Response) String() string { return string(r.Body) }

// IsJSON reports a JSON content type.
func (r *Response) IsJSON() bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

// IsHTML reports an HTML content type.
func (r *Response) IsHTML() bool { return strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
