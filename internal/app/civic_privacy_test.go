package app_test

import (
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/demo"
	"linli/internal/platform/db/dbtest"
)

// The demonstration residents' names and phones appear on no public page
// and in no public API answer: every GET route open without signing in
// (the portal's /p/ pages, /public/ and /api/v1/public/ answers, the
// sign-in and sign-up pages) is fetched for the city, the demonstration
// district, street and community, the published cases and the rated
// organizations, and searched for each name, phone and its last four
// digits' neighbourhood (the full number).
func TestDemoResidentsNeverPublic(t *testing.T) {
	a, _ := apptest.NewDemo(t)
	var residents, ratings, answers, published int
	for q, dst := range map[string]*int{
		`SELECT COUNT(*) FROM users WHERE role = 'resident'`: &residents, `SELECT COUNT(*) FROM org_ratings`: &ratings,
		`SELECT COUNT(*) FROM survey_answers`: &answers, `SELECT COUNT(*) FROM cases WHERE status = 'published'`: &published,
	} {
		if err := a.DB.Read.QueryRow(q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	if residents < 10 || ratings == 0 || answers < residents || published != 3 {
		t.Fatalf("demo: %d residents, %d ratings, %d answers, %d published cases", residents, ratings, answers, published)
	}
	fills := map[string][]string{
		"{code}": {"4401", "440106", "440106008", "440106008007"},
		"{id}":   append(dbtest.Strings(t, a.DB, `SELECT id FROM cases WHERE status = 'published'`), dbtest.Strings(t, a.DB, `SELECT DISTINCT org_id FROM org_ratings`)...),
	}
	var paths []string
	for _, p := range a.Router.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		path = strings.TrimSuffix(path, "{$}")
		public := strings.HasPrefix(path, "/p/") || strings.HasPrefix(path, "/public/") || strings.HasPrefix(path, "/api/v1/public/") ||
			path == "/" || path == "/login" || path == "/residents/signup"
		if method != "GET" || !public {
			continue
		}
		expanded := []string{path}
		for ph, vals := range fills {
			var next []string
			for _, e := range expanded {
				if !strings.Contains(e, ph) {
					next = append(next, e)
					continue
				}
				for _, v := range vals {
					next = append(next, strings.ReplaceAll(e, ph, v))
				}
			}
			expanded = next
		}
		for _, e := range expanded {
			if !strings.Contains(e, "{") {
				paths = append(paths, e, e+"?within=440106008007", e+"?lang=en")
			}
		}
	}
	if len(paths) < 20 {
		t.Fatalf("only %d public pages to search", len(paths))
	}
	anon := a.Anon()
	okPages := 0
	for _, p := range paths {
		r := anon.Do("GET", p, nil)
		if r.Status == 200 {
			okPages++
		}
		body := r.String()
		for _, x := range demo.DemoResidents {
			for _, secret := range []string{x.Name, x.Phone} {
				if strings.Contains(body, secret) {
					t.Errorf("%s (%d) shows a resident's %q", p, r.Status, secret)
				}
			}
		}
	}
	if okPages < 10 {
		t.Fatalf("only %d of %d public pages answered 200", okPages, len(paths))
	}
}
