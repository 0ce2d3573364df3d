package portal_test

import (
	"math"
	"net/http"
	"strings"
	"testing"

	"linli/internal/geomap"
	"linli/internal/platform/auth"
)

// The public map answers a visitor without sign-in, may be cached, and
// says what the officers' map says for the same layer; it refuses layers
// the portal does not show (activities, an indicator off the place's page,
// coverage). The city's page carries the map; a district's, with no
// boundaries for its streets, keeps its lists only.
func TestPublicMap(t *testing.T) {
	w := newWorld(t)
	a := w.a
	r := a.As(w.city).Do("POST", "/api/v1/indicators", map[string]any{"key": "orgs_per_district", "name_zh": "每区社会组织数", "level": "district",
		"scope_code": "4401", "target": 1, "start_on": "2021-09-01", "deadline": "2030-12-31",
		"rule": map[string]any{"kind": "count", "source": "orgs"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("indicator: %d %s", r.Status, r.Body)
	}
	anon := a.Anon()
	type area struct {
		Code     string
		Value    *float64
		Boundary bool
	}
	type mapData struct {
		Unit  string
		Layer string
		Map   *struct{ Name string }
		Areas []area
	}
	for _, layer := range []string{"count=orgs", "count=hubs", "count=bases", "indicator=orgs_per_district"} {
		r := anon.Do("GET", "/api/v1/public/map/4401?"+layer, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", layer, r.Status, r.Body)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=300") {
			t.Errorf("%s: Cache-Control %q", layer, cc)
		}
		var pub, off mapData
		r.Decode(&pub)
		o := a.As(w.city).Do("GET", "/api/v1/map/4401?"+layer, nil)
		if o.Status != http.StatusOK {
			t.Fatalf("officers' %s: %d", layer, o.Status)
		}
		if cc := o.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("signed-in map Cache-Control %q", cc)
		}
		o.Decode(&off)
		if pub.Map == nil || len(pub.Areas) != 11 || len(pub.Areas) != len(off.Areas) {
			t.Fatalf("%s: public %+v, officers' %d areas", layer, pub, len(off.Areas))
		}
		for i, x := range off.Areas {
			p := pub.Areas[i]
			if p.Code != x.Code || (p.Value == nil) != (x.Value == nil) || p.Value != nil && math.Abs(*p.Value-*x.Value) > 1e-12 || !p.Boundary {
				t.Errorf("%s %s: public %+v, officers' %+v", layer, x.Code, p, x)
			}
		}
		if layer == "count=orgs" {
			var tianhe float64
			for _, p := range pub.Areas {
				if p.Code == "440106" && p.Value != nil {
					tianhe = *p.Value
				}
			}
			if n := a.Count("orgs WHERE status = 'active' AND district_code = '440106'"); tianhe != float64(n) || n != 2 {
				t.Errorf("天河 on the map %v, active organizations %d", tianhe, n)
			}
		}
	}
	for q, want := range map[string]int{"count=activities": 422, "coverage=elderly": 422, "": 422, "indicator=nope": 404, "count=orgs&x=1": 200} {
		if r := anon.Do("GET", "/api/v1/public/map/4401?"+q, nil); r.Status != want {
			t.Errorf("?%s: %d, want %d", q, r.Status, want)
		}
	}
	if r := anon.Do("GET", "/api/v1/public/map/9999?count=orgs", nil); r.Status != http.StatusNotFound {
		t.Errorf("an unknown place: %d", r.Status)
	}
	city := anon.Do("GET", "/p/4401", nil)
	if !strings.Contains(city.String(), `data-base="/api/v1/public/map/4401"`) || !strings.Contains(city.String(), "indicator=orgs_per_district") {
		t.Errorf("the city's page has no public map")
	}
	if strings.Contains(city.String(), `id="ranking"`) || strings.Contains(city.String(), `id="locator"`) {
		t.Errorf("the city's page, with boundaries below, shows a ranking table or a locator instead of its map")
	}
	// a district: no boundaries for its streets, so no map of them but the
	// ranking table of its streets, and the city's map with the district
	// outlined, a click going to another district's page
	if geomap.For("440106") != nil {
		t.Skip("linli has street boundaries of 天河 now")
	}
	for _, page := range []string{"/p/440106", "/p/440106?lang=en"} {
		d := anon.Do("GET", page, nil).String()
		if strings.Contains(d, `id="pmap"`) {
			t.Errorf("%s: a map of streets without boundaries", page)
		}
		if !strings.Contains(d, `id="ranking"`) || !strings.Contains(d, `data-label=`) || !strings.Contains(d, `<a href="/p/440106008">`) {
			t.Errorf("%s: no ranking table of the streets", page)
		}
		if !strings.Contains(d, `data-base="/api/v1/public/map/4401"`) || !strings.Contains(d, `data-current="440106"`) || !strings.Contains(d, `data-drill="/p/{code}"`) {
			t.Errorf("%s: no locator map of the city", page)
		}
	}
	// the ranking puts 天河南街道 (two active organizations) first
	d := anon.Do("GET", "/p/440106", nil).String()
	rank := d[strings.Index(d, `id="ranking"`):]
	if i := strings.Index(rank, "/p/440106008"); i < 0 || i > strings.Index(rank, "</tr><tr>") && strings.Index(rank, "</tr><tr>") > 0 {
		t.Errorf("天河南 is not first in the ranking: %.600s", rank)
	}
	// a street's page: its communities ranked, no locator
	if s := anon.Do("GET", "/p/440106008", nil).String(); !strings.Contains(s, `id="ranking"`) || strings.Contains(s, `id="locator"`) {
		t.Errorf("a street's page: ranking %v, locator %v", strings.Contains(s, `id="ranking"`), strings.Contains(s, `id="locator"`))
	}
	// the dashboard of a district: the same locator and its ranking table;
	// the city's officers drill to another district, a district's cannot
	dash := a.As(w.city).Do("GET", "/dashboard/440106", nil).String()
	if !strings.Contains(dash, `id="kpi-locator"`) || !strings.Contains(dash, `data-current="440106"`) || !strings.Contains(dash, `data-drill="/dashboard/{code}`) ||
		!strings.Contains(dash, `id="kpi-ranking"`) || strings.Contains(dash, `id="kpi-map"`) {
		t.Errorf("the district's dashboard lacks its locator or its ranking: %.300s", dash)
	}
	dist := a.As(a.CreateUser("th-district", auth.DistrictOfficer, "440106", 0)).Do("GET", "/dashboard/440106", nil).String()
	if !strings.Contains(dist, `id="kpi-locator"`) || strings.Contains(dist, `data-drill="/dashboard/{code}`) {
		t.Errorf("a district officer's locator: drills %v", strings.Contains(dist, "data-drill"))
	}
	if c := a.As(w.city).Do("GET", "/dashboard/4401", nil).String(); strings.Contains(c, `id="kpi-locator"`) || !strings.Contains(c, `id="kpi-map"`) {
		t.Errorf("the city's dashboard: a locator, or no map")
	}
}
