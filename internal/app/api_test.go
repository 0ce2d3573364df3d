package app_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"linli/internal/app/apptest"
)

type openAPIDoc struct {
	OpenAPI string                               `json:"openapi"`
	Paths   map[string]map[string]map[string]any `json:"paths"`
}

func getOpenAPI(t *testing.T, a *apptest.App) openAPIDoc {
	t.Helper()
	r := a.Anon().Do("GET", "/api/v1/openapi.json", nil)
	if r.Status != 200 || !r.IsJSON() {
		t.Fatalf("openapi.json: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if !json.Valid(r.Body) {
		t.Fatal("openapi.json is not valid JSON")
	}
	var d openAPIDoc
	r.Decode(&d)
	return d
}

// TestOpenAPICoversEveryAPIRoute: every /api/ route is documented with its
// method, and nothing is documented that is not routed.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	a := apptest.New(t)
	d := getOpenAPI(t, a)
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		t.Errorf("openapi %q, want 3.x", d.OpenAPI)
	}
	routed := map[string]bool{}
	for _, p := range a.Router.Patterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/api/") {
			continue
		}
		routed[strings.ToLower(method)+" "+path] = true
		if _, ok := d.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s is routed but not in openapi.json", p)
		}
	}
	for path, item := range d.Paths {
		for method := range item {
			if !routed[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not routed", strings.ToUpper(method), path)
			}
		}
	}
}

var pathParamRE = regexp.MustCompile(`\{[a-z_]+\.{0,3}\}`)

// publicPages need no sign-in: these, static assets under /static/ and the
// residents' portal under /public/.
var publicPages = map[string]bool{
	"GET /login": true, "POST /login": true, "POST /logout": true, "POST /login/totp": true,
	"GET /healthz": true, "GET /metrics": true,
	// the public portal's home for anyone not signed in, and residents' sign-up
	"GET /{$}": true, "GET /residents/signup": true, "POST /residents/signup": true,
}

func isPublicPage(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return publicPages[pattern] || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/public/") ||
		strings.HasPrefix(path, "/p/")
}

// TestSignInRequired: without a session or token every non-public API route
// answers 401 JSON (never a redirect) and every page sends to /login.
func TestSignInRequired(t *testing.T) {
	a := apptest.New(t)
	d := getOpenAPI(t, a)
	anon := a.Anon()
	for _, p := range a.Router.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		concrete := pathParamRE.ReplaceAllString(strings.TrimSuffix(path, "{$}"), "1")
		t.Run(p, func(t *testing.T) {
			var body any
			if method != "GET" && method != "DELETE" {
				body = "{}"
			}
			if strings.HasPrefix(path, "/api/") {
				if sec, ok := d.Paths[path][strings.ToLower(method)]["security"].([]any); ok && len(sec) == 0 {
					return // public
				}
				for _, hdr := range [][]string{nil, {"Authorization", "Bearer lnl_not-a-real-token"}} {
					r := anon.Do(method, concrete, body, hdr...)
					if r.Status != http.StatusUnauthorized || !r.IsJSON() {
						t.Fatalf("%s %s %v: %d %s, want 401 JSON", method, concrete, hdr, r.Status, r.Header.Get("Content-Type"))
					}
					if e := r.Error(); e.Code != "unauthenticated" {
						t.Errorf("code %q, want unauthenticated", e.Code)
					}
				}
				return
			}
			if isPublicPage(p) {
				return
			}
			r := anon.Do(method, concrete, nil)
			if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Fatalf("%s %s: %d Location %q, want 303 to /login", method, concrete, r.Status, r.Header.Get("Location"))
			}
		})
	}
}

func TestHealthAndMetrics(t *testing.T) {
	a := apptest.New(t)
	c := a.Anon()
	r := c.Do("GET", "/healthz", nil)
	var h map[string]string
	r.Decode(&h)
	if r.Status != 200 || h["status"] != "ok" {
		t.Fatalf("healthz: %d %v", r.Status, h)
	}
	m := c.Do("GET", "/metrics", nil)
	if m.Status != 200 {
		t.Fatalf("metrics: %d", m.Status)
	}
	for _, want := range []string{"linli_http_requests_total", `route="GET /healthz"`, "go_memstats_"} {
		if !strings.Contains(m.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestOpenAPIListHasMore: the organization list's "more" (a search counted
// up to its cap and found more) is in the document, as the answer has it.
func TestOpenAPIListHasMore(t *testing.T) {
	a := apptest.New(t)
	var d struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	a.Anon().Do("GET", "/api/v1/openapi.json", nil).Decode(&d)
	if _, ok := d.Components.Schemas["OrgPage"].Properties["more"]; !ok {
		t.Errorf("OrgPage lacks more: %v", d.Components.Schemas["OrgPage"].Properties)
	}
}
