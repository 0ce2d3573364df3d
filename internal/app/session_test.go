package app_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

func setCookie(t *testing.T, r *apptest.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie set", name)
	return nil
}

// TestCrossSiteRequestsRefused: a cross-site state-changing request with a
// valid session cookie is refused and changes nothing; the same request
// from the site itself goes through.
func TestCrossSiteRequestsRefused(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, wushan)
	org := a.CreateOrg(officer, apptest.OrgInput("五山读书会", wushanComm))
	c := a.As(officer)
	evil := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	same := []string{"Origin", a.URL(), "Sec-Fetch-Site", "same-origin"}
	id := strconv.FormatInt(org.ID, 10)
	cases := []struct {
		method, path string
		body         any
		ok           int
	}{
		{"POST", "/api/v1/orgs", apptest.OrgInput("五山合唱团", wushanComm), http.StatusCreated},
		{"POST", "/orgs", orgForm("五山书法社"), http.StatusSeeOther},
		{"PATCH", "/api/v1/orgs/" + id, map[string]any{"members": 30}, http.StatusOK},
		{"POST", "/logout", form(), http.StatusSeeOther},
	}
	for _, tc := range cases {
		orgs, audits, version := a.Count("orgs"), a.Count("audit_log"), a.Org(org.ID).Version
		r := c.Do(tc.method, tc.path, tc.body, evil...)
		if r.Status != http.StatusForbidden {
			t.Fatalf("cross-site %s %s: %d, want 403", tc.method, tc.path, r.Status)
		}
		if a.Count("orgs") != orgs || a.Count("audit_log") != audits || a.Org(org.ID).Version != version {
			t.Fatalf("cross-site %s %s changed something", tc.method, tc.path)
		}
		if me := c.Do("GET", "/api/v1/me", nil); me.Status != http.StatusOK {
			t.Fatalf("after cross-site %s %s the session is gone: %d", tc.method, tc.path, me.Status)
		}
		if r := c.Do(tc.method, tc.path, tc.body, same...); r.Status != tc.ok {
			t.Fatalf("same-origin %s %s: %d, want %d: %.300s", tc.method, tc.path, r.Status, tc.ok, r.Body)
		}
	}
	if me := c.Do("GET", "/api/v1/me", nil); me.Status != http.StatusUnauthorized {
		t.Errorf("after a same-origin sign-out: %d, want 401", me.Status)
	}
	if got := a.Org(org.ID).Members; got != 30 {
		t.Errorf("members = %d after the same-origin PATCH, want 30", got)
	}
}

func TestSession(t *testing.T) {
	a := apptest.New(t)
	u := a.User(auth.StreetOfficer, wushan)
	other := a.User(auth.StreetOfficer, yuancun)

	t.Run("cookie and fresh id at each login", func(t *testing.T) {
		a := a.With(t)
		c := a.Anon()
		r := c.Do("POST", "/api/v1/session", map[string]string{"username": u.Username, "password": apptest.Password})
		if r.Status != http.StatusOK {
			t.Fatalf("login: %d", r.Status)
		}
		k := setCookie(t, r, web.SessionCookie)
		if !k.HttpOnly || k.SameSite != http.SameSiteLaxMode || k.Path != "/" {
			t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q, want HttpOnly Lax /", k.HttpOnly, k.SameSite, k.Path)
		}
		first := c.Cookie(web.SessionCookie)
		// signing in again, even while holding a session, gives a new id
		r = c.Do("POST", "/api/v1/session", map[string]string{"username": u.Username, "password": apptest.Password})
		if second := c.Cookie(web.SessionCookie); r.Status != http.StatusOK || second == "" || second == first {
			t.Errorf("second login: %d, same id %v", r.Status, second == first)
		}
		// the page sign-in also sets a fresh HttpOnly Lax cookie
		f := a.Anon().Do("POST", "/login", form("username", u.Username, "password", apptest.Password))
		k2 := setCookie(t, f, web.SessionCookie)
		if f.Status != http.StatusSeeOther || !k2.HttpOnly || k2.SameSite != http.SameSiteLaxMode || k2.Value == first {
			t.Errorf("form login: %d HttpOnly=%v SameSite=%v", f.Status, k2.HttpOnly, k2.SameSite)
		}
	})

	t.Run("sign-out ends the session server-side", func(t *testing.T) {
		a := a.With(t)
		c := a.As(u)
		old := c.Cookie(web.SessionCookie)
		if r := c.Do("DELETE", "/api/v1/session", nil); r.Status != http.StatusNoContent {
			t.Fatalf("sign out: %d", r.Status)
		}
		replay := a.Anon()
		r := replay.Do("GET", "/api/v1/me", nil, "Cookie", web.SessionCookie+"="+old)
		if r.Status != http.StatusUnauthorized || r.Error().Code != "unauthenticated" {
			t.Errorf("old cookie after sign-out: %d, want 401", r.Status)
		}
		if p := replay.Do("GET", "/orgs", nil, "Cookie", web.SessionCookie+"="+old); p.Status != http.StatusSeeOther {
			t.Errorf("old cookie on a page: %d, want a redirect to sign in", p.Status)
		}
	})

	t.Run("wrong passwords slow the name down, not lock it", func(t *testing.T) {
		a := a.With(t)
		victim := a.User(auth.StreetOfficer, wushan)
		c := a.Anon()
		for i := 0; i < 6; i++ {
			r := c.Do("POST", "/api/v1/session", map[string]string{"username": victim.Username, "password": "wrong-password"})
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d, want 401", i+1, r.Status)
			}
		}
		r := c.Do("POST", "/api/v1/session", map[string]string{"username": victim.Username, "password": apptest.Password})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" || c.Cookie(web.SessionCookie) != "" {
			t.Errorf("correct password while the name waits: %d %v, want 429 after 1 s and no session", r.Status, r.Header)
		}
		a.As(other) // another account is not affected
		a.Clock.Advance(time.Second)
		a.As(victim) // the wait ends
	})

	t.Run("bearer token until revoked", func(t *testing.T) {
		a := a.With(t)
		a.CreateOrg(u, apptest.OrgInput("五山志愿服务队", wushanComm))
		r := a.As(u).Do("POST", "/api/v1/tokens", map[string]string{"name": "nightly export"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create token: %d %s", r.Status, r.Body)
		}
		var tok struct {
			Token string
			ID    int64
		}
		r.Decode(&tok)
		bearer := a.Anon()
		bearer.Header.Set("Authorization", "Bearer "+tok.Token)
		list := bearer.Do("GET", "/api/v1/orgs", nil)
		var p struct{ Total int }
		list.Decode(&p)
		if list.Status != http.StatusOK || p.Total != 1 {
			t.Fatalf("orgs with the token: %d total %d", list.Status, p.Total)
		}
		if d := bearer.Do("DELETE", "/api/v1/tokens/"+strconv.FormatInt(tok.ID, 10), nil); d.Status != http.StatusNoContent {
			t.Fatalf("revoke: %d", d.Status)
		}
		if r := bearer.Do("GET", "/api/v1/orgs", nil); r.Status != http.StatusUnauthorized || r.Error().Code != "unauthenticated" {
			t.Errorf("revoked token: %d, want 401", r.Status)
		}
	})
}
