package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Codes used throughout: the objects under test belong to 天河区 (440106),
// street 五山街道 (440106001); the intruders are a 海珠区 (440105) district
// officer and the officer of another 天河 street, 员村街道 (440106002).
const (
	tianhe        = "440106"
	wushan        = "440106001"
	wushanComm    = "440106001001"
	yuancun       = "440106002"
	yuancunComm   = "440106002008"
	haizhu        = "440105"
	haizhuComm    = "440105001101"
	missingID     = "999999"
	missingStreet = "440106999"
)

// How a capability adds its routes to the walk, without touching this file:
// in a file of its own in this package (scope_<capability>_test.go), an
// init func appends to scopeSetups a func that creates the capability's
// objects in 五山 (as w.owner, or through its service) and records each under
// a placeholder in w.IDs (and, if "999999" could exist, a value that does
// not in w.Missing); to scopeTable the cases for its routes, using those
// placeholders; and, optionally, to scopeSnapshots a func that describes
// its objects, so that the walk proves they did not change.
var (
	scopeSetups    []func(t *testing.T, w *world)
	scopeTable     []scopeCase
	scopeSnapshots []func(t *testing.T, w *world) string
)

// world is one database with objects in 天河 and two intruders.
type world struct {
	a         *apptest.App
	owner     *auth.User // 五山 street officer, who filed the org
	victim    *auth.User // another 五山 account
	org       *registry.Org
	token     string // the victim's API token
	tokenID   int64
	intruders map[string]*auth.User
	ownOrgs   map[string]*registry.Org
	// IDs maps a path placeholder such as "{org}" to a foreign object;
	// Missing to an object that does not exist (default missingID).
	IDs, Missing map[string]string
}

func newWorld(t *testing.T) *world {
	a := apptest.New(t)
	w := &world{a: a, Missing: map[string]string{"{code}": missingStreet}}
	w.owner = a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0)
	w.victim = a.CreateUser("wushan-victim", auth.StreetOfficer, wushan, 0)
	w.org = a.CreateOrg(w.owner, apptest.OrgInput("五山夕阳红舞蹈队", wushanComm))
	r := a.As(w.victim).Do("POST", "/api/v1/tokens", map[string]string{"name": "victim script"})
	if r.Status != http.StatusCreated {
		t.Fatalf("victim token: %d %s", r.Status, r.Body)
	}
	var tok struct {
		Token string `json:"token"`
		ID    int64  `json:"id"`
	}
	r.Decode(&tok)
	w.token, w.tokenID = tok.Token, tok.ID
	w.intruders = map[string]*auth.User{
		"haizhu-district": a.CreateUser("haizhu-district", auth.DistrictOfficer, haizhu, 0),
		"yuancun-street":  a.CreateUser("yuancun-street", auth.StreetOfficer, yuancun, 0),
	}
	w.ownOrgs = map[string]*registry.Org{
		"haizhu-district": a.CreateOrg(w.intruders["haizhu-district"], apptest.OrgInput("海珠晨练太极队", haizhuComm)),
		"yuancun-street":  a.CreateOrg(w.intruders["yuancun-street"], apptest.OrgInput("员村邻里互助会", yuancunComm)),
	}
	w.IDs = map[string]string{"{org}": strconv.FormatInt(w.org.ID, 10), "{user}": strconv.FormatInt(w.victim.ID, 10),
		"{token}": strconv.FormatInt(w.tokenID, 10), "{code}": wushan}
	for _, setup := range scopeSetups {
		setup(t, w)
	}
	return w
}

// fill replaces the placeholders of a case's path with the foreign objects.
func (w *world) fill(p string) string {
	for ph, v := range w.IDs {
		p = strings.ReplaceAll(p, ph, v)
	}
	return p
}

// missing replaces the placeholders with objects that do not exist.
func (w *world) missing(p string) string {
	for ph := range w.IDs {
		v, ok := w.Missing[ph]
		if !ok {
			v = missingID
		}
		p = strings.ReplaceAll(p, ph, v)
	}
	return p
}

// scopeCase is one request an intruder makes. want is the status for both
// intruders unless wantStreet (for the street officer) is set.
type scopeCase struct {
	pattern    string
	path       string // with {org}, {user}, {token}, {code} placeholders
	body       any
	want       int
	wantStreet int
	fresh      bool // use a session of its own (sign-out cases)
	check      func(t *testing.T, w *world, who string, r *apptest.Response)
}

// hides is a check that the answer shows none of s.
func hides(s ...string) func(t *testing.T, w *world, who string, r *apptest.Response) {
	return func(t *testing.T, w *world, who string, r *apptest.Response) {
		for _, x := range s {
			if strings.Contains(r.String(), x) {
				t.Errorf("%s sees %s", who, x)
			}
		}
	}
}

// setupMust is how a setup checks a request it makes: the answer has
// status (or the test fails naming the setup), and its JSON goes into v
// unless v is nil.
func setupMust(t *testing.T, setup string) func(r *apptest.Response, status int, v any) {
	return func(r *apptest.Response, status int, v any) {
		t.Helper()
		if r.Status != status {
			t.Fatalf("%s setup: %d %s", setup, r.Status, r.Body)
		}
		if v != nil {
			r.Decode(v)
		}
	}
}

// snapshotOf is a snapshot named name: the text each query reads, in order.
func snapshotOf(t *testing.T, w *world, name string, queries ...string) string {
	t.Helper()
	out := []string{name}
	for _, q := range queries {
		var s string
		if err := w.a.DB.Read.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s snapshot %q: %v", name, q, err)
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// scan reads the one row query selects into dst, failing the test otherwise.
func (w *world) scan(t *testing.T, query string, args []any, dst ...any) {
	t.Helper()
	if err := w.a.DB.Read.QueryRow(query, args...).Scan(dst...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// orgForm is a complete, valid organization form in 五山.
func orgForm(name string) url.Values {
	return form("name", name, "tier", "community", "types", "culture_sports", "community_code", wushanComm,
		"leader_name", "李四", "leader_phone", "13900139000", "party_org", "none")
}

// scopeCases covers every route the router registers.
func scopeCases() []scopeCase {
	nf := http.StatusNotFound
	noForeignName := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if strings.Contains(r.String(), w.org.Name) {
			t.Errorf("%s sees the foreign organization's name", who)
		}
		if strings.Contains(r.String(), w.victim.Username) {
			t.Errorf("%s sees the foreign account's name", who)
		}
	}
	return []scopeCase{
		{pattern: "GET /static/", path: "/static/app.css", want: 200},
		{pattern: "GET /healthz", path: "/healthz", want: 200},
		{pattern: "GET /metrics", path: "/metrics", want: 200},
		{pattern: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", want: 200},
		{pattern: "GET /login", path: "/login", want: http.StatusSeeOther},
		// the district intruder has the second factor on: the password
		// alone brings the code's step (the street officer has none)
		{pattern: "POST /login", path: "/login", body: form("username", "{self}", "password", apptest.Password), want: 200, wantStreet: http.StatusSeeOther},
		{pattern: "POST /login/totp", path: "/login/totp", body: form("pending", "not-a-pending-session", "totp", "123456"), want: http.StatusUnauthorized},
		{pattern: "GET /account/2fa", path: "/account/2fa", want: 200},
		{pattern: "POST /account/2fa", path: "/account/2fa", body: form("totp", "000000"), want: http.StatusConflict, wantStreet: 422},
		{pattern: "POST /api/v1/me/totp", path: "/api/v1/me/totp", want: http.StatusConflict, wantStreet: http.StatusCreated},
		{pattern: "POST /api/v1/me/totp/confirm", path: "/api/v1/me/totp/confirm", body: map[string]string{"totp": "000000"}, want: http.StatusConflict, wantStreet: 422},
		{pattern: "POST /users/{id}/totp/reset", path: "/users/{user}/totp/reset", body: form(), want: 403},
		{pattern: "DELETE /api/v1/users/{id}/totp", path: "/api/v1/users/{user}/totp", want: 403},
		{pattern: "POST /logout", path: "/logout", body: form(), want: http.StatusSeeOther, fresh: true},
		{pattern: "POST /api/v1/session", path: "/api/v1/session", body: map[string]string{"username": "{self}", "password": apptest.Password}, want: 401, wantStreet: 200},
		{pattern: "DELETE /api/v1/session", path: "/api/v1/session", want: http.StatusNoContent, fresh: true},
		{pattern: "GET /api/v1/me", path: "/api/v1/me", want: 200, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			var u auth.User
			r.Decode(&u)
			if u.Username != who {
				t.Errorf("me = %q, want %q", u.Username, who)
			}
		}},

		// accounts
		{pattern: "GET /users", path: "/users", want: 403, check: noForeignName},
		{pattern: "GET /users/new", path: "/users/new", want: 403},
		{pattern: "POST /users", path: "/users", body: form("username", "intruder", "role", "street_officer", "scope_code", wushan,
			"password", "long-enough-1"), want: 403},
		{pattern: "POST /users/{id}/disabled", path: "/users/{user}/disabled", body: form("disabled", "1"), want: 403},
		{pattern: "POST /users/{id}/password", path: "/users/{user}/password", body: form("password", "taken-over-1"), want: 403},
		{pattern: "GET /api/v1/users", path: "/api/v1/users", want: 403, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			if r.Status != 200 {
				return
			}
			var p struct{ Items []auth.User }
			r.Decode(&p)
			for _, u := range p.Items {
				if strings.HasPrefix(u.ScopeCode, tianhe) {
					t.Errorf("%s lists account %s of %s", who, u.Username, u.ScopeCode)
				}
			}
		}},
		{pattern: "POST /api/v1/users", path: "/api/v1/users", body: auth.NewUser{Username: "intruder", Role: auth.StreetOfficer,
			ScopeCode: wushan, Password: "long-enough-1"}, want: 403, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			if e := r.Error(); r.Status == 422 && e.Fields["scope_code"] == "" {
				t.Errorf("no scope_code message: %+v", e)
			}
		}},
		{pattern: "GET /api/v1/users/{id}", path: "/api/v1/users/{user}", want: nf},
		{pattern: "PATCH /api/v1/users/{id}", path: "/api/v1/users/{user}", body: map[string]any{"disabled": true}, want: nf},

		// tokens: everyone has their own; others' are not found
		{pattern: "GET /tokens", path: "/tokens", want: 200, check: noForeignName},
		{pattern: "POST /tokens", path: "/tokens", body: form("name", "mine"), want: 200},
		{pattern: "POST /tokens/{id}/revoke", path: "/tokens/{token}/revoke", body: form(), want: nf},
		{pattern: "GET /api/v1/tokens", path: "/api/v1/tokens", want: 200, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			var p struct{ Items []auth.Token }
			r.Decode(&p)
			for _, tk := range p.Items {
				if tk.ID == w.tokenID {
					t.Errorf("%s lists the victim's token", who)
				}
			}
		}},
		{pattern: "POST /api/v1/tokens", path: "/api/v1/tokens", body: map[string]string{"name": "mine"}, want: 201},
		{pattern: "DELETE /api/v1/tokens/{id}", path: "/api/v1/tokens/{token}", want: nf},

		// organizations
		{pattern: "GET /{$}", path: "/", want: 200, check: noForeignName},
		{pattern: "GET /api/v1/me/tasks", path: "/api/v1/me/tasks", want: 200, check: noForeignName},
		{pattern: "GET /orgs", path: "/orgs?q=" + url.QueryEscape("五山"), want: 200, check: noForeignName},
		{pattern: "GET /orgs", path: "/orgs?within=" + wushan, want: 200, check: noForeignName},
		{pattern: "GET /orgs/new", path: "/orgs/new", want: 200},
		{pattern: "POST /orgs", path: "/orgs", body: orgForm("入侵者舞蹈队"), want: 422, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			if !strings.Contains(r.String(), `id="err-community_code"`) {
				t.Errorf("no community_code message on the form")
			}
		}},
		{pattern: "GET /orgs/{id}", path: "/orgs/{org}", want: nf},
		{pattern: "GET /orgs/{id}/edit", path: "/orgs/{org}/edit", want: nf},
		{pattern: "POST /orgs/{id}", path: "/orgs/{org}", body: orgForm("被改名的舞蹈队"), want: nf},
		{pattern: "POST /orgs/{id}/transitions", path: "/orgs/{org}/transitions", body: form("action", "approve"), want: nf},
		{pattern: "GET /api/v1/orgs", path: "/api/v1/orgs", want: 200, check: onlyOwnOrgs(1)},
		{pattern: "GET /api/v1/orgs", path: "/api/v1/orgs?within=" + wushan, want: 200, check: onlyOwnOrgs(0)},
		{pattern: "GET /api/v1/orgs", path: "/api/v1/orgs?per_page=200&q=" + url.QueryEscape("舞蹈"), want: 200, check: onlyOwnOrgs(0)},
		{pattern: "POST /api/v1/orgs", path: "/api/v1/orgs", body: apptest.OrgInput("入侵者舞蹈队", wushanComm), want: 422,
			check: func(t *testing.T, w *world, who string, r *apptest.Response) {
				if e := r.Error(); e.Fields["community_code"] == "" {
					t.Errorf("no community_code message: %+v", e)
				}
			}},
		{pattern: "GET /api/v1/orgs/{id}", path: "/api/v1/orgs/{org}", want: nf},
		{pattern: "PATCH /api/v1/orgs/{id}", path: "/api/v1/orgs/{org}", body: map[string]any{"name": "被改名的舞蹈队"}, want: nf},
		{pattern: "POST /api/v1/orgs/{id}/transitions", path: "/api/v1/orgs/{org}/transitions", body: map[string]string{"action": "approve"}, want: nf},
		{pattern: "GET /api/v1/orgs/{id}/history", path: "/api/v1/orgs/{org}/history", want: nf},
		{pattern: "GET /api/v1/summary", path: "/api/v1/summary", want: 200, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			var s registry.Summary
			r.Decode(&s)
			if s.Total != 1 {
				t.Errorf("%s: summary total %d, want only their own 1", who, s.Total)
			}
		}},
		{pattern: "GET /api/v1/summary", path: "/api/v1/summary?within=" + wushan, want: nf},

		// divisions
		{pattern: "GET /divisions", path: "/divisions", want: http.StatusSeeOther, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			if loc, want := r.Header.Get("Location"), "/divisions/"+w.intruders[who].ScopeCode; loc != want {
				t.Errorf("Location %q, want %q", loc, want)
			}
		}},
		{pattern: "GET /divisions/{code}", path: "/divisions/{code}", want: nf},
		{pattern: "GET /api/v1/divisions", path: "/api/v1/divisions", want: 200, check: func(t *testing.T, w *world, who string, r *apptest.Response) {
			var tr struct {
				Node     struct{ Code string }
				OrgCount int `json:"org_count"`
			}
			r.Decode(&tr)
			if tr.Node.Code != w.intruders[who].ScopeCode || tr.OrgCount != 1 {
				t.Errorf("%s: root %s with %d orgs, want %s with 1", who, tr.Node.Code, tr.OrgCount, w.intruders[who].ScopeCode)
			}
		}},
		{pattern: "GET /api/v1/divisions/{code}", path: "/api/v1/divisions/{code}", want: nf},
		{pattern: "GET /api/v1/divisions/{code}", path: "/api/v1/divisions/" + tianhe, want: nf},

		// audit
		{pattern: "GET /audit", path: "/audit", want: 200, wantStreet: 403, check: noForeignName},
		{pattern: "GET /api/v1/audit", path: "/api/v1/audit?limit=500", want: 200, wantStreet: 403, check: noForeignAudit},
		{pattern: "GET /api/v1/audit", path: "/api/v1/audit?object_type=org&object_id={org}", want: 200, wantStreet: 403, check: noForeignAudit},
	}
}

func onlyOwnOrgs(total int) func(t *testing.T, w *world, who string, r *apptest.Response) {
	return func(t *testing.T, w *world, who string, r *apptest.Response) {
		var p registry.Page
		r.Decode(&p)
		if p.Total != total || len(p.Items) != total {
			t.Errorf("%s: total %d with %d items, want %d", who, p.Total, len(p.Items), total)
		}
		for _, o := range p.Items {
			if o.ID != w.ownOrgs[who].ID {
				t.Errorf("%s lists organization %d %s of %s", who, o.ID, o.Name, o.CommunityCode)
			}
		}
	}
}

func noForeignAudit(t *testing.T, w *world, who string, r *apptest.Response) {
	if r.Status != 200 {
		return
	}
	var p struct {
		Items []struct {
			Seq       int64
			ScopeCode string `json:"scope_code"`
			ObjectID  string `json:"object_id"`
		}
	}
	r.Decode(&p)
	for _, row := range p.Items {
		if !strings.HasPrefix(row.ScopeCode, w.intruders[who].ScopeCode) {
			t.Errorf("%s reads audit row %d of %s", who, row.Seq, row.ScopeCode)
		}
	}
}

// TestScopeEveryRoute walks every registered route as users of another
// district and of another street against 天河 objects: details and actions
// are not found (exactly as for objects that do not exist), lists and counts
// leave them out, and nothing changes.
func TestScopeEveryRoute(t *testing.T) {
	w := newWorld(t)
	cases := append(scopeCases(), scopeTable...)
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.pattern] = true
	}
	patterns := w.a.Router.Patterns()
	for _, p := range patterns {
		if !covered[p] {
			t.Errorf("route %q is not in the scope walk: add a case to scopeTable (see scopeSetups)", p)
		}
	}
	for p := range covered {
		if !slices.Contains(patterns, p) {
			t.Errorf("scope table names %q, which the router does not register", p)
		}
	}
	before := snapshot(t, w)
	for _, who := range []string{"haizhu-district", "yuancun-street"} {
		u := w.intruders[who]
		main := w.a.As(u)
		for _, c := range cases {
			method, _, _ := strings.Cut(c.pattern, " ")
			t.Run(who+"/"+method+" "+c.path, func(t *testing.T) {
				cl := main.With(t)
				if c.fresh {
					cl = w.a.With(t).As(u)
				}
				want := c.want
				if c.wantStreet != 0 && u.Role == auth.StreetOfficer {
					want = c.wantStreet
				}
				body := selfBody(c.body, u.Username)
				r := cl.Do(method, w.fill(c.path), body)
				if r.Status != want {
					t.Fatalf("status %d, want %d: %.300s", r.Status, want, r.Body)
				}
				if want == http.StatusNotFound {
					checkNotFound(t, c.path, r)
				}
				if strings.ContainsAny(c.path, "{") && want >= 400 {
					// the answer about a foreign object must not differ from
					// the answer about one that does not exist
					m := cl.Do(method, w.missing(c.path), selfBody(c.body, u.Username))
					if m.Status != r.Status {
						t.Errorf("foreign object answers %d but a missing one %d", r.Status, m.Status)
					}
				}
				if c.check != nil {
					c.check(t, w, who, r)
				}
			})
		}
	}
	after := snapshot(t, w)
	if before != after {
		t.Errorf("the foreign objects changed:\nbefore %+v\nafter  %+v", before, after)
	}
	// the victim's password and token still work
	w.a.As(w.victim)
	r := w.a.Anon().Do("GET", "/api/v1/me", nil, "Authorization", "Bearer "+w.token)
	if r.Status != 200 {
		t.Errorf("victim's token stopped working: %d", r.Status)
	}
}

func selfBody(b any, self string) any {
	switch v := b.(type) {
	case url.Values:
		out := url.Values{}
		for k, vs := range v {
			for _, x := range vs {
				out.Add(k, strings.ReplaceAll(x, "{self}", self))
			}
		}
		return out
	case map[string]string:
		out := map[string]string{}
		for k, x := range v {
			out[k] = strings.ReplaceAll(x, "{self}", self)
		}
		return out
	}
	return b
}

func checkNotFound(t *testing.T, path string, r *apptest.Response) {
	t.Helper()
	if strings.HasPrefix(path, "/api/") {
		if !r.IsJSON() {
			t.Fatalf("404 is not JSON: %s", r.Header.Get("Content-Type"))
		}
		if e := r.Error(); e.Code != "not_found" {
			t.Errorf("error code %q, want not_found", e.Code)
		}
		return
	}
	if !r.IsHTML() {
		t.Errorf("404 page is %s, want HTML", r.Header.Get("Content-Type"))
	}
}

// state is what must not change when intruders try.
type state struct {
	OrgName, OrgStatus       string
	OrgVersion               int
	VictimDisabled           bool
	Orgs, Users, TianheAudit int
	ActiveTokens             int
	Extra                    string
}

func snapshot(t *testing.T, w *world) state {
	t.Helper()
	o := w.a.Org(w.org.ID)
	v, err := w.a.Auth.UserByName(t.Context(), w.victim.Username)
	if err != nil {
		t.Fatal(err)
	}
	s := state{OrgName: o.Name, OrgStatus: o.Status, OrgVersion: o.Version, VictimDisabled: v.Disabled}
	db := w.a.DB.Read
	lo := tianhe
	for _, q := range []struct {
		dst *int
		sql string
	}{
		{&s.Orgs, `SELECT COUNT(*) FROM orgs WHERE community_code LIKE '` + lo + `%'`},
		{&s.Users, `SELECT COUNT(*) FROM users WHERE scope_code LIKE '` + lo + `%'`},
		{&s.TianheAudit, `SELECT COUNT(*) FROM audit_log WHERE scope_code LIKE '` + wushan + `%'`},
		{&s.ActiveTokens, `SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL AND user_id = ` + strconv.FormatInt(w.victim.ID, 10)},
	} {
		if err := db.QueryRow(q.sql).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range scopeSnapshots {
		s.Extra += f(t, w) + "\n"
	}
	return s
}
