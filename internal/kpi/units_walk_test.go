package kpi_test

import (
	"context"
	"net/http"
	"testing"

	"linli/internal/incubation"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/registry"
)

// One definition per figure (issue 11): for every district and every street
// of Guangzhou, the coverage page (/bases/coverage), the division tree, the
// dashboard and the indicators count the same units (streets and towns
// without the special areas coded 400 and up) and agree on how many are
// covered.
func TestEveryUnitAgrees(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	var district []string                                                                                                            // the districts
	special := dbtest.Strings(t, s.a.DB, `SELECT code FROM divisions WHERE level = 4 AND substr(code, 7, 3) >= '400' ORDER BY code`) // the special areas' codes
	if len(special) == 0 {
		t.Fatal("no special area in the hierarchy")
	}
	// bases: street-level, community-level, district-level sitting in a
	// street (serves the district: not a street's), and one in a special area
	inc := &incubation.Service{DB: s.a.DB, Geo: s.a.Geo, Orgs: s.a.Registry, Now: s.a.Now}
	for _, b := range []incubation.BaseInput{
		{Name: "天河南街培育基地", DivisionCode: "440106008"},
		{Name: "猎德社区活动场所", DivisionCode: "440106013001"},
		{Name: "从化区孵化基地", DivisionCode: "440117001", Level: "district"},
		{Name: "特殊区域活动场所", DivisionCode: special[0]},
	} {
		b.HostType, b.OpenedOn = "party_mass_center", s.a.Now().AddDate(0, 0, -3).Format("2006-01-02")
		if _, err := inc.Create(ctx, s.city, b); err != nil {
			t.Fatalf("base %s: %v", b.Name, err)
		}
	}
	// a hub in a special area counts nowhere
	h := registry.Input{Name: "特殊区域枢纽", Tier: registry.TierStreet, Types: []string{"mutual_aid"}, TargetGroups: []string{"elderly"},
		CommunityCode: special[0] + "498", LeaderName: "陈大文", LeaderPhone: "13800138000", FoundedOn: "2020-03-01", Members: 12,
		PartyOrg: "none", Status: registry.StatusActive, Hub: true}
	var exists int
	s.a.DB.Read.QueryRow(`SELECT COUNT(*) FROM divisions WHERE code = $1`, h.CommunityCode).Scan(&exists)
	if exists == 1 {
		s.a.CreateOrg(s.city, h)
	}
	// the coverage page's reading, as a rule option of the indicators
	if _, err := s.a.KPI.Create(ctx, s.city, kpi.Input{Key: "street_sites", NameZH: "街道级场所覆盖率", Level: kpi.LevelCity,
		ScopeCode: "4401", Rule: kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceBases, UnitLevel: kpi.LevelStreet, MinCount: 1,
			Filter: kpi.Filter{BaseLevels: []string{"street", "community"}}}, Target: 0.5, Deadline: "2021-12-31"}); err != nil {
		t.Fatal(err)
	}
	type cov struct {
		Streets, Covered int
		Rows             []struct {
			Code             string
			Streets, Covered int
		}
	}
	type ev struct {
		Numerator, Denominator *int
	}
	n := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	get := func(path string, v any) {
		t.Helper()
		r := s.cityC.Do("GET", path, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		r.Decode(v)
	}
	var city cov
	get("/api/v1/bases/coverage?within=4401", &city)
	var e ev
	get("/api/v1/indicators/street_sites?unit=4401", &e)
	if city.Streets != n(e.Denominator) || city.Covered != n(e.Numerator) || city.Covered != 2 {
		t.Fatalf("city: page %d/%d, indicator %d/%d", city.Covered, city.Streets, n(e.Numerator), n(e.Denominator))
	}
	walked := 0
	for _, row := range city.Rows {
		district = append(district, row.Code)
		var c cov
		get("/api/v1/bases/coverage?within="+row.Code, &c)
		var site, hub ev
		get("/api/v1/indicators/street_sites?unit="+row.Code, &site)
		get("/api/v1/indicators/hub_coverage?unit="+row.Code, &hub)
		var tree struct{ Units int }
		get("/api/v1/divisions/"+row.Code, &tree)
		var dash struct {
			Indicators []struct {
				Key         string
				Denominator *int
			}
		}
		get("/api/v1/dashboard/"+row.Code, &dash)
		dashUnits := -1
		for _, x := range dash.Indicators {
			if x.Key == "hub_coverage" {
				dashUnits = n(x.Denominator)
			}
		}
		if c.Streets != row.Streets || c.Streets != n(site.Denominator) || c.Covered != n(site.Numerator) ||
			c.Streets != n(hub.Denominator) || c.Streets != tree.Units || c.Streets != dashUnits {
			t.Errorf("%s: page %d/%d (city page %d), indicator %d/%d, hubs' units %d, tree %d, dashboard %d", row.Code,
				c.Covered, c.Streets, row.Streets, n(site.Numerator), n(site.Denominator), n(hub.Denominator), tree.Units, dashUnits)
		}
		var streets struct{ Children []struct{ Code string } }
		get("/api/v1/divisions/"+row.Code, &streets)
		for _, st := range streets.Children {
			var sc cov
			get("/api/v1/bases/coverage?within="+st.Code, &sc)
			var si, hi ev
			get("/api/v1/indicators/street_sites?unit="+st.Code, &si)
			get("/api/v1/indicators/hub_coverage?unit="+st.Code, &hi)
			if sc.Streets != n(si.Denominator) || sc.Covered != n(si.Numerator) || sc.Streets != n(hi.Denominator) {
				t.Errorf("%s: page %d/%d, indicator %d/%d, hubs' units %d", st.Code, sc.Covered, sc.Streets,
					n(si.Numerator), n(si.Denominator), n(hi.Denominator))
			}
			walked++
		}
	}
	if len(district) != 11 || walked < 176 {
		t.Fatalf("walked %d districts, %d streets", len(district), walked)
	}
	_ = auth.CityAdmin
}
