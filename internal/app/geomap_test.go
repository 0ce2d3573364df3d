package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/geomap"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// The map endpoint (internal/geomap) through the router: its values are the
// dashboard's and the coverage report's for the same place and date, and
// an independent count of what the test filed, today and on a past date;
// the city's districts have boundaries, a district's streets none; scope
// and bad choices answer as everywhere.
func TestMapEndpoint(t *testing.T) {
	a := apptest.New(t)
	city := a.CreateUser("map-city", auth.CityAdmin, "4401", 0)
	a.CreateUser("map-street", auth.StreetOfficer, wushan, 0)
	// what the test files, by district: the independent count
	type filed struct {
		community string
		groups    []string
		active    bool
	}
	file := func(name string, f filed) {
		in := apptest.OrgInput(name, f.community)
		in.TargetGroups = f.groups
		if f.active {
			in.Status = registry.StatusActive
		}
		a.CreateOrg(city, in)
	}
	first := map[string]filed{
		"五山长者会":  {wushanComm, []string{"elderly"}, true},
		"五山少儿社":  {wushanComm, []string{"children"}, true},
		"员村互助队":  {yuancunComm, []string{"elderly", "women"}, true},
		"海珠读书会":  {haizhuComm, []string{"disabled"}, true},
		"海珠待批组织": {haizhuComm, []string{"elderly"}, false},
	}
	for name, f := range first {
		file(name, f)
	}
	past := a.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	a.Clock.Advance(72 * time.Hour)
	later := map[string]filed{"海珠长者会": {haizhuComm, []string{"elderly"}, true}}
	for name, f := range later {
		file(name, f)
	}
	count := func(sets []map[string]filed, district, group string) int {
		n := 0
		for _, set := range sets {
			for _, f := range set {
				if f.active && strings.HasPrefix(f.community, district) && (group == "" || strings.Contains(strings.Join(f.groups, ","), group)) {
					n++
				}
			}
		}
		return n
	}
	c := a.As(city)
	get := func(path string) geomap.Data {
		t.Helper()
		var d geomap.Data
		c.Do("GET", path, nil).Expect(http.StatusOK).Decode(&d)
		return d
	}
	value := func(d geomap.Data, code string) float64 {
		for _, ar := range d.Areas {
			if ar.Code == code {
				if ar.Value == nil {
					return -1
				}
				return *ar.Value
			}
		}
		t.Fatalf("%s %s: no area %s", d.Layer, d.Key, code)
		return 0
	}
	for _, day := range []struct {
		asOf string
		sets []map[string]filed
	}{{"", []map[string]filed{first, later}}, {past, []map[string]filed{first}}} {
		q := "&as_of=" + day.asOf
		orgs := get("/api/v1/map/4401?count=orgs" + q)
		if orgs.Map == nil || orgs.Map.Src != "/static/geomap/boundaries/guangzhou.js" || len(orgs.Areas) != 11 || len(orgs.Missing) != 0 {
			t.Fatalf("the city's map: %+v, %d areas, missing %v", orgs.Map, len(orgs.Areas), orgs.Missing)
		}
		elderly := get("/api/v1/map/4401?coverage=elderly" + q)
		all := get("/api/v1/map/4401?coverage=all" + q)
		var rep struct {
			Rows []struct {
				Unit  string         `json:"unit"`
				Cells map[string]int `json:"cells"`
				Total int            `json:"total"`
			} `json:"rows"`
		}
		c.Do("GET", "/api/v1/coverage?unit=4401&by=target_group"+q, nil).Decode(&rep)
		if len(rep.Rows) != 11 {
			t.Fatalf("coverage rows %d", len(rep.Rows))
		}
		for _, row := range rep.Rows {
			want := count(day.sets, row.Unit, "")
			if got := value(orgs, row.Unit); got != float64(want) {
				t.Errorf("%q: organizations in %s on the map %v, filed %d", day.asOf, row.Unit, got, want)
			}
			if got := value(all, row.Unit); got != float64(row.Total) || row.Total != want {
				t.Errorf("%q: %s coverage map %v, report %d, filed %d", day.asOf, row.Unit, got, row.Total, want)
			}
			wantE := count(day.sets, row.Unit, "elderly")
			if got := value(elderly, row.Unit); got != float64(row.Cells["elderly"]) || row.Cells["elderly"] != wantE {
				t.Errorf("%q: %s elderly on the map %v, report %d, filed %d", day.asOf, row.Unit, got, row.Cells["elderly"], wantE)
			}
		}
		if value(orgs, haizhu) != float64(count(day.sets, haizhu, "")) || (day.asOf == past && value(orgs, haizhu) != 1) {
			t.Errorf("%q: 海珠 %v", day.asOf, value(orgs, haizhu))
		}
		// every indicator the dashboard ranks, unit by unit
		var dash struct {
			Results []struct {
				Key string `json:"key"`
			} `json:"indicators"`
			Ranking []struct {
				Unit  string `json:"unit"`
				Cells map[string]struct {
					Value  *float64 `json:"value"`
					Status string   `json:"status"`
				} `json:"cells"`
			} `json:"ranking"`
		}
		c.Do("GET", "/api/v1/dashboard/4401?as_of="+day.asOf, nil).Decode(&dash)
		if len(dash.Results) == 0 || len(dash.Ranking) != 11 {
			t.Fatalf("dashboard: %d indicators, %d units", len(dash.Results), len(dash.Ranking))
		}
		for _, res := range dash.Results {
			m := get("/api/v1/map/4401?indicator=" + res.Key + q)
			for _, rr := range dash.Ranking {
				want, ok := rr.Cells[res.Key]
				if !ok {
					continue
				}
				var got *geomap.Area
				for i := range m.Areas {
					if m.Areas[i].Code == rr.Unit {
						got = &m.Areas[i]
					}
				}
				if got == nil || got.Status != want.Status || (got.Value == nil) != (want.Value == nil) ||
					(got.Value != nil && *got.Value != *want.Value) {
					t.Errorf("%q: %s at %s: map %+v, dashboard %+v", day.asOf, res.Key, rr.Unit, got, want)
				}
			}
		}
	}
	// a district's streets have no boundaries: values, and no map
	d := get("/api/v1/map/" + tianhe + "?count=orgs")
	if d.Map != nil || len(d.Missing) != len(d.Areas) || len(d.Areas) < 20 || value(d, wushan) != 2 || value(d, yuancun) != 1 {
		t.Errorf("天河: map %+v, %d areas, %d missing, 五山 %v, 员村 %v", d.Map, len(d.Areas), len(d.Missing), value(d, wushan), value(d, yuancun))
	}
	// the boundaries are served by linli itself
	if r := c.Do("GET", "/static/geomap/boundaries/guangzhou.js", nil); r.Status != 200 || !strings.Contains(r.String(), `registerMap("广州"`) {
		t.Errorf("boundaries: %d", r.Status)
	}
	// out of scope, bad choices
	if r := a.Login("map-street", apptest.Password).Do("GET", "/api/v1/map/4401?count=orgs", nil); r.Status != http.StatusNotFound {
		t.Errorf("a street officer's city map: %d", r.Status)
	}
	for path, field := range map[string]string{"/api/v1/map/4401": "indicator", "/api/v1/map/4401?count=people": "count",
		"/api/v1/map/4401?coverage=nobody": "coverage", "/api/v1/map/4401?count=orgs&as_of=2021-13-01": "as_of"} {
		r := c.Do("GET", path, nil)
		if r.Status != http.StatusUnprocessableEntity || r.Error().Fields[field] == "" {
			t.Errorf("%s: %d %s, want 422 naming %s", path, r.Status, r.Body, field)
		}
	}
	if r := c.Do("GET", "/api/v1/map/4401?indicator=no_such_indicator", nil); r.Status != http.StatusNotFound {
		t.Errorf("an unknown indicator: %d", r.Status)
	}
}

// Every feature of the vendored boundaries is a district of the division
// table, under the same name: the adcode → division code mapping holds.
func TestBoundariesAreDivisions(t *testing.T) {
	a := apptest.New(t)
	for _, parent := range geomap.Parents() {
		b := geomap.For(parent)
		kids, err := a.Geo.Children(t.Context(), parent)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, k := range kids {
			names[k.Code] = k.Name
		}
		if len(b.Areas) != len(kids) {
			t.Errorf("%s: %d boundaries for %d units", parent, len(b.Areas), len(kids))
		}
		for code, name := range b.Areas {
			if names[code] != name {
				t.Errorf("%s: boundary %s %q, the division table says %q", parent, code, name, names[code])
			}
		}
	}
}
