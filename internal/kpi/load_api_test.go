package kpi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/registry"
)

// apiFact is one organization of 从化's paper records as the district types
// it in through the API: the day it became active, a hub and a brand ("" for
// never), and the day it was suspended ("" for never).
type apiFact struct {
	name, community, active, hub, brand, suspended string
}

// The history scenario through the API (issue 11): 从化 starts on linli on
// 2024-03-10 and types in its 2021–2023 facts with POST /api/v1/orgs,
// PATCH /api/v1/orgs/{id} and POST …/transitions, each with effective_on and
// late_reason. At 2021-12-31, 2022-12-31 and 2023-12-31 the indicator, the
// dashboard, the units and the records all equal an independent count of the
// facts; every record behind them is a late entry; known_on the day before
// the load answers what linli said then (nothing in 从化) on every one of
// those endpoints.
func TestDistrictLoadsItsHistoryThroughTheAPI(t *testing.T) {
	s := newSite(t) // two organizations elsewhere (天河, 街口 today), entered on 2023-06-15
	load := time.Date(2024, 3, 10, 2, 0, 0, 0, time.UTC)
	s.a.Clock.Advance(load.Sub(s.a.Clock.Now()))
	s.cityC, s.chC = s.a.As(s.city), s.a.As(s.ch) // the sessions of 2023 have expired
	facts := []apiFact{
		{"街口长者互助社", "440117001002", "2021-10-01", "2021-11-01", "2022-06-01", ""},
		{"江埔邻里服务队", "440117002002", "2021-12-01", "2022-08-01", "", "2023-05-01"},
		{"温泉文体队", "440117103002", "2022-02-01", "", "2023-03-01", ""},
		{"城郊睦邻中心", "440117003002", "2023-02-01", "2023-07-01", "2023-10-01", ""},
	}
	const reason = "按区民政局纸质台账补录"
	for _, f := range facts {
		in := apptest.ActiveInput(f.name, f.community)
		in.Tier, in.FoundedOn, in.EffectiveOn = registry.TierStreet, "2019-05-01", f.active
		// a late entry without its reason is refused, naming the field, and nothing is written
		if r := s.chC.Do("POST", "/api/v1/orgs", in); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `"late_reason"`) {
			t.Fatalf("%s without late_reason: %d %s", f.name, r.Status, r.Body)
		}
		in.LateReason = reason
		r := s.chC.Do("POST", "/api/v1/orgs", in)
		if r.Status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", f.name, r.Status, r.Body)
		}
		var o registry.Org
		r.Decode(&o)
		for _, p := range []struct{ day, body string }{{f.hub, `"hub":true`}, {f.brand, `"brand":true`}} {
			if p.day == "" {
				continue
			}
			path := fmt.Sprintf("/api/v1/orgs/%d", o.ID)
			body := `{` + p.body + `,"effective_on":"` + p.day + `"}`
			if r := s.cityC.Do("PATCH", path, body); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `"late_reason"`) {
				t.Fatalf("%s %s without late_reason: %d %s", f.name, p.body, r.Status, r.Body)
			}
			body = `{` + p.body + `,"effective_on":"` + p.day + `","late_reason":"` + reason + `"}`
			if r := s.cityC.Do("PATCH", path, body); r.Status != http.StatusOK {
				t.Fatalf("%s %s: %d %s", f.name, p.body, r.Status, r.Body)
			}
		}
		if f.suspended != "" {
			mv := registry.Move{Action: registry.ActSuspend, Reason: "负责人联系不上", EffectiveOn: f.suspended, LateReason: reason}
			if r := s.chC.Do("POST", fmt.Sprintf("/api/v1/orgs/%d/transitions", o.ID), mv); r.Status != http.StatusOK {
				t.Fatalf("suspend %s: %d %s", f.name, r.Status, r.Body)
			}
		}
	}

	on := func(day, d string) bool { return day != "" && day <= d }
	for _, d := range []string{"2021-12-31", "2022-12-31", "2023-12-31"} {
		// the independent count, from the facts
		hubStreets, brands := map[string]bool{}, 0
		for _, f := range facts {
			if !on(f.active, d) || on(f.suspended, d) {
				continue
			}
			if on(f.hub, d) {
				hubStreets[f.community[:9]] = true
			}
			if on(f.brand, d) {
				brands++
			}
		}
		type answer struct {
			Value       *float64 `json:"value"`
			Numerator   *int     `json:"numerator"`
			LateEntries int      `json:"late_entries"`
			KnownOn     string   `json:"known_on"`
		}
		get := func(path string, v any) {
			t.Helper()
			r := s.cityC.Do("GET", path, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.Status, r.Body)
			}
			r.Decode(v)
		}
		for _, c := range []struct {
			key, knownOn string
			want, late   int
		}{
			{"hub_coverage", "", len(hubStreets), len(hubStreets)},
			{"brand_orgs", "", brands, brands},
			{"hub_coverage", "2024-03-09", 0, 0},
			{"brand_orgs", "2024-03-09", 0, 0},
		} {
			kq := ""
			if c.knownOn != "" {
				kq = "&known_on=" + c.knownOn
			}
			q := "?unit=440117&as_of=" + d + kq
			var a answer
			get("/api/v1/indicators/"+c.key+q, &a)
			got := 0
			if c.key == "hub_coverage" && a.Numerator != nil {
				got = *a.Numerator
			} else if a.Value != nil {
				got = int(*a.Value)
			}
			if got != c.want || a.LateEntries != c.late || a.KnownOn != c.knownOn {
				t.Errorf("%s%s: %d (%d late, known_on %q), want %d (%d late)", c.key, q, got, a.LateEntries, a.KnownOn, c.want, c.late)
			}
			// the records behind the number: the same, each marked late
			var recs struct {
				Total int `json:"total"`
				Items []struct {
					Name string `json:"name"`
					Late bool   `json:"late"`
				} `json:"items"`
			}
			get("/api/v1/indicators/"+c.key+"/records"+q, &recs)
			wantRecs := c.want
			if c.key == "hub_coverage" {
				wantRecs = 0
				for _, f := range facts {
					if on(f.active, d) && !on(f.suspended, d) && on(f.hub, d) {
						wantRecs++
					}
				}
				if c.knownOn != "" {
					wantRecs = 0
				}
			}
			if recs.Total != wantRecs {
				t.Errorf("records %s%s: %d, want %d", c.key, q, recs.Total, wantRecs)
			}
			for _, it := range recs.Items {
				if !it.Late {
					t.Errorf("records %s%s: %s not marked late", c.key, q, it.Name)
				}
			}
			// the units behind it: 从化's streets with their counts
			var units struct {
				Result answer `json:"result"`
				Items  []struct {
					Unit string `json:"unit"`
					Met  bool   `json:"met"`
				} `json:"items"`
			}
			get("/api/v1/indicators/"+c.key+"/units"+q+"&set=all", &units)
			if units.Result.KnownOn != c.knownOn || units.Result.LateEntries != c.late {
				t.Errorf("units %s%s: known_on %q, %d late", c.key, q, units.Result.KnownOn, units.Result.LateEntries)
			}
			if c.key == "hub_coverage" {
				covered := 0
				for _, it := range units.Items {
					if it.Met {
						covered++
					}
				}
				if covered != c.want {
					t.Errorf("units %s%s: %d streets covered, want %d", c.key, q, covered, c.want)
				}
			}
			// the dashboard gives the same answer
			var dash struct {
				KnownOn    string `json:"known_on"`
				Indicators []struct {
					Key string `json:"key"`
					answer
				} `json:"indicators"`
			}
			get("/api/v1/dashboard/440117?as_of="+d+kq, &dash)
			if dash.KnownOn != c.knownOn {
				t.Errorf("dashboard%s: known_on %q", q, dash.KnownOn)
			}
			found := false
			for _, r := range dash.Indicators {
				if r.Key != c.key {
					continue
				}
				found = true
				if (r.Value == nil) != (a.Value == nil) || r.Value != nil && *r.Value != *a.Value || r.LateEntries != a.LateEntries {
					t.Errorf("dashboard %s%s: %v (%d late), indicator %v (%d late)", c.key, q, r.Value, r.LateEntries, a.Value, a.LateEntries)
				}
			}
			if !found {
				t.Errorf("dashboard%s: no %s", q, c.key)
			}
		}
	}
	// the dashboard page offers known_on and carries it into its links
	p := s.cityC.Do("GET", "/dashboard/440117?as_of=2023-12-31&known_on=2024-03-09", nil)
	if p.Status != http.StatusOK || !strings.Contains(p.String(), `id="known_on"`) ||
		!strings.Contains(p.String(), `as_of=2023-12-31&amp;known_on=2024-03-09`) {
		t.Errorf("dashboard page: %d", p.Status)
	}
}

// known_on on the dashboard, units and records is checked as on the
// indicator: a bad format, a future day or one before linli held any record
// is a 422 naming known_on, in Chinese or English.
func TestKnownOnEveryEndpoint(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/api/v1/dashboard/4401", "/api/v1/dashboard/4401/export", "/api/v1/indicators/hub_coverage/units",
		"/api/v1/indicators/hub_coverage/records", "/api/v1/indicators/hub_coverage"} {
		for _, k := range []string{"x", "2999-01-01", "2001-01-01", "2023-02-30"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			r := s.cityC.Do("GET", path+sep+"known_on="+k, nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `"known_on"`) {
				t.Errorf("%s known_on=%s: %d %s", path, k, r.Status, r.Body)
			}
		}
		today := s.a.Now().Format("2006-01-02")
		if r := s.cityC.Do("GET", path+"?known_on="+today, nil); r.Status != http.StatusOK {
			t.Errorf("%s known_on=today: %d %s", path, r.Status, r.Body)
		}
	}
	zh := s.cityC.Do("GET", "/api/v1/dashboard/4401?known_on=2001-01-01", nil, "Accept-Language", "zh-CN")
	en := s.cityC.Do("GET", "/api/v1/dashboard/4401?known_on=2001-01-01", nil, "Accept-Language", "en")
	if !strings.Contains(zh.String(), "早于系统录入第一条记录的日期") || !strings.Contains(en.String(), "Before linli held any record") {
		t.Errorf("messages: %s / %s", zh.Body, en.Body)
	}
	// the page: a bad known_on is refused, a good one shown
	if p := s.cityC.Do("GET", "/dashboard/4401?known_on=2999-01-01", nil); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("page with a future known_on: %d", p.Status)
	}
}
