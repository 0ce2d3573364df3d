package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/demo"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/pii"
)

// On the demonstration: no page or answer of the portal shows a leader's
// name or phone that the organization did not publish as its contact; the
// portal's indicators equal the dashboard's for the same place and date;
// every page is under 100 KB.
func TestDemoPortal(t *testing.T) {
	a := apptest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, a.DB, a.Geo, a.Registry, a.Auth, a.Clock.Now(), 2021); err != nil {
		t.Fatal(err)
	}
	// the leaders, and the contacts the demonstration published
	published := map[string]bool{}
	rows, err := a.DB.Read.QueryContext(ctx, `SELECT contact_name, contact_phone FROM portal_publications WHERE contact = 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n, p string
		rows.Scan(&n, &p)
		published[n], published[p] = true, true
	}
	rows.Close()
	if len(published) == 0 {
		t.Fatal("the demonstration publishes no contact")
	}
	// a published contact is a phone, never the sealed text at rest
	for p := range published {
		if strings.HasPrefix(p, pii.Prefix) {
			t.Fatalf("a published contact reads %q", p)
		}
	}
	// every setting went through the service: one audit row each
	var settings, audited int
	a.DB.Read.QueryRow(`SELECT COUNT(*) FROM portal_publications`).Scan(&settings)
	a.DB.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'portal.publication'`).Scan(&audited)
	if settings == 0 || audited != settings {
		t.Fatalf("%d publication settings, %d audit rows", settings, audited)
	}
	var secrets []string
	rows, err = a.DB.Read.QueryContext(ctx, `SELECT leader_name, leader_phone FROM orgs`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n, p string
		rows.Scan(&n, &p)
		for _, s := range []string{n, pii.Open(p)} {
			if len([]rune(s)) >= 2 && !published[s] {
				secrets = append(secrets, s)
			}
		}
	}
	rows.Close()
	slices.Sort(secrets)
	secrets = slices.Compact(secrets)
	// public words that may contain a two-character name (黄华 in
	// 黄华塘社区, 张强 in a published contact 张强国): place names,
	// organization names and published contacts are blanked before looking
	var public []string
	for _, q := range []string{`SELECT name FROM divisions`, `SELECT name FROM orgs`,
		`SELECT contact_name FROM portal_publications WHERE contact = 1`} {
		for _, n := range dbtest.Strings(t, a.DB, q) {
			public = append(public, n, "□")
		}
	}
	blank := strings.NewReplacer(public...)
	if len(secrets) < 1000 {
		t.Fatalf("only %d leader names and phones to look for", len(secrets))
	}
	// the pages: the city, every district, the streets of 天河, the
	// communities of 天河南, the organizations listed on them, activities,
	// calls; and their API twins
	var places []string
	for _, q := range []string{`SELECT code FROM divisions WHERE level <= 3 AND code LIKE '4401%'`,
		`SELECT code FROM divisions WHERE code LIKE '440106___' OR code LIKE '440106008___'`} {
		for _, c := range dbtest.Strings(t, a.DB, q) {
			if len(c) >= 4 {
				places = append(places, c)
			}
		}
	}
	anon := a.Anon()
	sizes := map[string]int{}
	var walked, orgPages int
	check := func(path string, html bool) string {
		t.Helper()
		r := anon.Do("GET", path, nil)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		body := r.String()
		seen := blank.Replace(body)
		for _, s := range secrets {
			if strings.Contains(seen, s) {
				i := strings.Index(seen, s)
				t.Errorf("%s shows %q, a leader's name or phone not published: …%s…", path, s, seen[max(0, i-80):min(len(seen), i+40)])
			}
		}
		if html {
			kind := path
			if i := strings.IndexAny(kind[1:], "/?"); i > 0 && strings.HasPrefix(kind, "/p/") {
				kind = path[:strings.LastIndex(path, "/")]
			}
			switch {
			case strings.HasPrefix(path, "/p/orgs/"):
				kind = "/p/orgs/{id}"
			case strings.HasPrefix(path, "/p/calls/"):
				kind = "/p/calls/{id}"
			case strings.HasPrefix(path, "/p/activities"):
				kind = "/p/activities"
			case strings.HasPrefix(path, "/p/"):
				kind = fmt.Sprintf("/p/{code} (%d digits)", len(strings.SplitN(strings.TrimPrefix(path, "/p/"), "?", 2)[0]))
			}
			sizes[kind] = max(sizes[kind], len(body))
			if len(body) > 100*1024 {
				t.Errorf("%s is %d bytes, over 100 KB", path, len(body))
			}
		}
		walked++
		return body
	}
	check("/", true)
	check("/?lang=en", true)
	seenOrg := map[int64]bool{}
	var calls []int64
	for _, code := range places {
		check("/p/"+code, true)
		var pl struct {
			Orgs struct {
				Items []struct{ ID int64 }
				Total int
			}
			Calls []struct{ ID int64 }
		}
		body := check("/api/v1/public/places/"+code, false)
		if err := json.Unmarshal([]byte(body), &pl); err != nil {
			t.Fatal(err)
		}
		for _, o := range pl.Orgs.Items {
			if !seenOrg[o.ID] && (len(code) >= 9 || len(seenOrg) < 60) {
				seenOrg[o.ID] = true
				check("/p/orgs/"+strconv.FormatInt(o.ID, 10), true)
				check("/api/v1/public/orgs/"+strconv.FormatInt(o.ID, 10), false)
				orgPages++
			}
		}
		for _, c := range pl.Calls {
			if !slices.Contains(calls, c.ID) {
				calls = append(calls, c.ID)
			}
		}
		if pl.Orgs.Total > 20 && len(code) <= 6 {
			check("/p/"+code+"?page=2", true)
		}
	}
	for _, id := range calls {
		check("/p/calls/"+strconv.FormatInt(id, 10), true)
	}
	for _, q := range []string{"", "?within=440106", "?within=440106008&from=2023-01-01&to=2023-06-30", "?within=440106008007&from=2022-01-01&to=2022-12-31"} {
		check("/p/activities"+q, true)
		check("/api/v1/public/activities"+q, false)
	}
	for _, q := range []string{"?within=4401", "?within=440106&q=舞蹈", "?within=4401&q=wd", "?within=440106&type=volunteer&per_page=50"} {
		check("/api/v1/public/orgs"+q, false)
		check("/p/"+strings.TrimPrefix(strings.SplitN(q, "&", 2)[0], "?within=")+"?"+strings.SplitN(q+"&", "&", 2)[1], true)
	}
	if orgPages < 100 || len(calls) == 0 {
		t.Errorf("walked %d organization pages and %d calls only", orgPages, len(calls))
	}
	t.Logf("walked %d public pages and answers, %d organization pages, %d calls; %d names and phones looked for", walked, orgPages, len(calls), len(secrets))
	kinds := make([]string, 0, len(sizes))
	for k := range sizes {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		t.Logf("largest %s: %.1f KB", k, float64(sizes[k])/1024)
	}

	// the indicators: the portal's equal the dashboard's
	admin := a.Login("admin", demo.DemoPassword)
	for _, code := range []string{"4401", "440106", "440105", "440106008", "440106008007", "440111"} {
		for _, asOf := range []string{"", "2022-12-31", "2021-12-31"} {
			q := ""
			if asOf != "" {
				q = "?as_of=" + asOf
			}
			var pub struct {
				AsOf       string `json:"as_of"`
				Indicators []struct {
					Key    string
					Status string
					Value  *float64
				}
			}
			r := anon.Do("GET", "/api/v1/public/places/"+code+q, nil)
			if r.Status != 200 {
				t.Fatalf("public %s: %d", code, r.Status)
			}
			r.Decode(&pub)
			var dash struct {
				AsOf    string `json:"as_of"`
				Results []struct {
					Key    string
					Status string
					Value  *float64
				} `json:"indicators"`
			}
			r = admin.Do("GET", "/api/v1/dashboard/"+code+q, nil)
			if r.Status != 200 {
				t.Fatalf("dashboard %s: %d", code, r.Status)
			}
			r.Decode(&dash)
			if pub.AsOf != dash.AsOf || len(pub.Indicators) != len(dash.Results) || len(dash.Results) == 0 {
				t.Fatalf("%s%s: portal %s with %d indicators, dashboard %s with %d", code, q, pub.AsOf, len(pub.Indicators), dash.AsOf, len(dash.Results))
			}
			for i, d := range dash.Results {
				p := pub.Indicators[i]
				same := p.Key == d.Key && p.Status == d.Status && (p.Value == nil) == (d.Value == nil) &&
					(p.Value == nil || math.Abs(*p.Value-*d.Value) < 1e-12)
				if !same {
					t.Errorf("%s%s %s: portal %s %v, dashboard %s %v", code, q, d.Key, p.Status, p.Value, d.Status, d.Value)
				}
			}
		}
	}
}
