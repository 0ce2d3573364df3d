package kpi_test

import (
	"net/http"
	"strings"
	"testing"
)

// The API's contract for issue 11: known_on beside as_of, late_entries and
// the city verdict's units and districts behind; bad dates name the field.
func TestKnownOnAPI(t *testing.T) {
	s := newSite(t)
	today := s.a.Now().Format("2006-01-02")
	r := s.cityC.Do("GET", "/api/v1/indicators/brand_orgs?unit=4401&as_of=2023-12-31&known_on="+today, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var m map[string]any
	r.Decode(&m)
	for _, k := range []string{"late_entries", "units_met", "units_total", "behind", "known_on"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, r.Body)
		}
	}
	if m["met"] != false || len(m["behind"].([]any)) != 11 {
		t.Errorf("met %v, behind %v", m["met"], m["behind"])
	}
	for q, field := range map[string]string{"as_of=2020-12-31": "as_of", "as_of=2101-01-01": "as_of",
		"known_on=2999-01-01": "known_on", "known_on=2001-01-01": "known_on", "known_on=x": "known_on"} {
		r := s.cityC.Do("GET", "/api/v1/indicators/hub_coverage?"+q, nil)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `"`+field+`"`) {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
}

// The pages: a city verdict says how many districts meet a per-district
// target and names those behind; the incubation indicator quotes the plan
// and the reading in use.
func TestVerdictAndReadingPages(t *testing.T) {
	s := newSite(t)
	p := s.cityC.Do("GET", "/indicators/brand_orgs?unit=4401", nil)
	if p.Status != http.StatusOK || !strings.Contains(p.String(), "0 / 11 个区达标") || !strings.Contains(p.String(), "天河区") {
		t.Fatalf("verdict page: %d %s", p.Status, p.Body)
	}
	p = s.cityC.Do("GET", "/indicators/incubation_coverage?unit=4401", nil)
	if !strings.Contains(p.String(), "「全市区级社会组织孵化培育和活动场所覆盖率不低于50%」") || !strings.Contains(p.String(), `id="kpi-reading"`) {
		t.Fatalf("incubation page: %d %s", p.Status, p.Body)
	}
	d := s.cityC.Do("GET", "/dashboard/4401", nil)
	if !strings.Contains(d.String(), "0 / 11 个区达标") {
		t.Fatalf("dashboard: %d", d.Status)
	}
}
