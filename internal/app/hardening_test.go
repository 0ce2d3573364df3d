package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"linli/internal/app"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

// TestEveryRequestHasADeadline: a request's context ends (issue 18: every
// request under a context deadline), a longer one for exports.
func TestEveryRequestHasADeadline(t *testing.T) {
	a := apptest.New(t)
	left := map[string]time.Duration{}
	for _, p := range []string{"/probe/deadline", "/probe/export.xlsx"} {
		a.Router.Mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
			if d, ok := r.Context().Deadline(); ok {
				left[p] = time.Until(d)
			}
		})
	}
	c := a.Anon()
	for _, p := range []string{"/probe/deadline", "/probe/export.xlsx"} {
		c.Do("GET", p, nil)
	}
	if d := left["/probe/deadline"]; d <= 0 || d > time.Minute {
		t.Errorf("a request's deadline is %v away", d)
	}
	if d := left["/probe/export.xlsx"]; d <= time.Minute || d > 15*time.Minute {
		t.Errorf("an export's deadline is %v away", d)
	}
}

// TestPageParametersOverHTTP: issue 18's failure 1 as the probe sent it.
func TestPageParametersOverHTTP(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, wushan)
	a.CreateOrg(officer, apptest.OrgInput("五山社区互助队", wushanComm))
	c := a.As(a.User(auth.Auditor, "4401"))
	var page struct {
		Items []any `json:"items"`
		Total int   `json:"total"`
	}
	r := c.Do("GET", "/api/v1/orgs?q=%E7%A4%BE%E5%8C%BA&page=1000000000&per_page=200", nil)
	if r.Status != 200 {
		t.Fatalf("page 1000000000: %d %s", r.Status, r)
	}
	r.Decode(&page)
	if len(page.Items) != 0 || page.Total != 1 {
		t.Errorf("page 1000000000: %d items of %d", len(page.Items), page.Total)
	}
	for _, q := range []string{"per_page=201", "page=1000000001", "page=99999999999999999999", "page=-1"} {
		r := c.Do("GET", "/api/v1/orgs?"+q, nil)
		if r.Status != 422 {
			t.Errorf("%s: %d %s", q, r.Status, r)
		}
	}
	if r := c.Do("GET", "/orgs?q=%E7%A4%BE%E5%8C%BA&page=1000000000&per_page=200", nil); r.Status != 200 {
		t.Errorf("the page list, page 1000000000: %d", r.Status)
	}
}

// TestRateLimits reproduces issue 18's failure 5: 100 bad sign-ins and 2,000
// API calls in a row from one address were all served. With the limits of
// linli serve, the excess is refused with 429 and Retry-After.
func TestRateLimits(t *testing.T) {
	a := apptest.New(t)
	a.Web.Limits = web.DefaultRateLimits
	officer := a.User(auth.StreetOfficer, wushan)
	c := a.As(officer)
	served, refused := 0, 0
	for range 2000 {
		r := c.Do("GET", "/api/v1/me", nil)
		switch r.Status {
		case 200:
			served++
		case 429:
			refused++
			if r.Header.Get("Retry-After") == "" || r.Error().Code != "too_many_requests" {
				t.Fatalf("429 without Retry-After or code: %v %s", r.Header, r)
			}
		default:
			t.Fatalf("API call: %d", r.Status)
		}
	}
	t.Logf("2,000 API calls in a row: %d served, %d refused with 429", served, refused)
	if refused == 0 || served < web.DefaultRateLimits.API.Burst {
		t.Errorf("2,000 API calls: %d served, %d refused", served, refused)
	}
	anon := a.Anon()
	bad, limited := 0, 0
	for range 100 {
		r := anon.Do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "wrong-password"})
		switch r.Status {
		case 401:
			bad++
		case 429:
			limited++
			if r.Header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After")
			}
		default:
			t.Fatalf("sign-in: %d %s", r.Status, r)
		}
	}
	t.Logf("100 bad sign-ins in a row: %d answered 401, %d refused with 429", bad, limited)
	if bad > web.DefaultRateLimits.SignIn.Burst+1 || limited == 0 {
		t.Errorf("100 bad sign-ins: %d answered, %d refused", bad, limited)
	}
}

// TestNULIsAFieldError reproduces issue 18's failure 11: a NUL byte in a
// query, a form or a JSON body was a 500 on PostgreSQL (and stored on
// SQLite). It is a field error on both engines, and nothing is written.
func TestNULIsAFieldError(t *testing.T) {
	f := newInputFixture(t)
	f.unchanged(t, func() {
		r := f.c.Do("GET", "/api/v1/orgs?q=a%00b", nil)
		if r.Status != 422 || r.Error().Fields["q"] == "" {
			t.Errorf("query: %d %s", r.Status, r)
		}
		r = f.c.Do("POST", "/api/v1/orgs", orgJSON(map[string]string{"name": `"五山\u0000太极"`}))
		if r.Status != 422 || r.Error().Fields["name"] == "" {
			t.Errorf("JSON body: %d %s", r.Status, r)
		}
		r = f.c.Do("POST", "/orgs", url.Values{"name": {"五山\x00太极"}})
		if r.Status != 422 {
			t.Errorf("form: %d", r.Status)
		}
	})
}

// TestTrustProxyTakesTheRightMostUntrusted reproduces issue 18's failure 8:
// with --trust-proxy the client's own left-most X-Forwarded-For entry was
// taken as its address, in sessions and audit rows.
func TestTrustProxyTakesTheRightMostUntrusted(t *testing.T) {
	s := &web.Server{TrustProxy: true}
	s.TrustedProxies, _ = web.ParseNetworks("127.0.0.0/8,10.0.0.0/8")
	for _, c := range []struct{ remote, xff, want string }{
		{"127.0.0.1:5000", "6.6.6.6, 203.0.113.5", "203.0.113.5"},           // the client forged the left-most
		{"127.0.0.1:5000", "6.6.6.6, 203.0.113.5, 10.1.2.3", "203.0.113.5"}, // two proxies
		{"198.51.100.7:5000", "6.6.6.6", "198.51.100.7"},                    // not through a trusted proxy
		{"127.0.0.1:5000", "", "127.0.0.1"},
		{"127.0.0.1:5000", "not-an-address", "127.0.0.1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.ClientIP(r); got != c.want {
			t.Errorf("from %s with %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

// TestMetricsAndCaching covers issue 18's failure 11: /metrics was open to
// anyone, and signed-in pages and exports had no Cache-Control: no-store.
func TestMetricsAndCaching(t *testing.T) {
	a := apptest.New(t)
	if r := a.Anon().Do("GET", "/metrics", nil); r.Status != 200 {
		t.Errorf("/metrics from loopback: %d", r.Status)
	}
	a.Web.MetricsFrom, _ = web.ParseNetworks("192.0.2.0/24")
	a.Web.MetricsToken = "s3cret-metrics-token"
	if r := a.Anon().Do("GET", "/metrics", nil); r.Status != 404 {
		t.Errorf("/metrics from elsewhere: %d", r.Status)
	}
	if r := a.Anon().Do("GET", "/metrics", nil, "Authorization", "Bearer wrong"); r.Status != 404 {
		t.Errorf("/metrics with a wrong token: %d", r.Status)
	}
	if r := a.Anon().Do("GET", "/metrics", nil, "Authorization", "Bearer s3cret-metrics-token"); r.Status != 200 {
		t.Errorf("/metrics with the token: %d", r.Status)
	}
	officer := a.User(auth.StreetOfficer, wushan)
	c := a.As(officer)
	for _, p := range []string{"/orgs", "/api/v1/orgs", "/api/v1/orgs/export.csv", "/api/v1/orgs/export.xlsx"} {
		if r := c.Do("GET", p, nil); r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, Cache-Control %q", p, r.Status, r.Header.Get("Cache-Control"))
		}
	}
}

// TestUserUnlockCommand: linli user unlock ends an account's and an
// address's waits (issue 18: there was no unlock command).
func TestUserUnlockCommand(t *testing.T) {
	a := apptest.New(t)
	u := a.User(auth.StreetOfficer, wushan)
	for range 8 {
		a.Auth.Login(context.Background(), u.Username, "wrong-password", "192.0.2.10", "t")
	}
	if _, _, err := a.Auth.Login(context.Background(), u.Username, apptest.Password, "192.0.2.11", "t"); err == nil {
		t.Fatal("no wait after 8 failures")
	}
	var out bytes.Buffer
	code := app.Run(context.Background(), app.Env{Args: []string{"user", "unlock", "--username", u.Username,
		"--address", "192.0.2.10", "--db", a.DBURL}, Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("unlock: %d %s", code, out.String())
	}
	if _, _, err := a.Auth.Login(context.Background(), u.Username, apptest.Password, "192.0.2.10", "t"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}
