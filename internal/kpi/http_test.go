package kpi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/app/apptest"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
)

type site struct {
	a               *apptest.App
	city, th, ch    *auth.User
	cityC, thC, chC *apptest.Client
}

func newSite(t *testing.T) *site {
	a := apptest.New(t)
	s := &site{a: a, city: a.User(auth.CityAdmin, "4401"), th: a.User(auth.DistrictOfficer, "440106"),
		ch: a.User(auth.DistrictOfficer, "440117")}
	s.cityC, s.thC, s.chC = a.As(s.city), a.As(s.th), a.As(s.ch)
	hub := apptest.ActiveInput("天河南街坊互助队", "440106008007")
	hub.Hub, hub.Brand = true, true
	a.CreateOrg(s.city, hub)
	a.ActiveOrg(s.city, "街口舞蹈队", "440117001001")
	return s
}

func TestEvaluationJSON(t *testing.T) {
	s := newSite(t)
	r := s.cityC.Do("GET", "/api/v1/indicators/hub_coverage?unit=4401&as_of=2023-06-15", nil)
	if r.Status != http.StatusOK || !r.IsJSON() {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var m map[string]any
	r.Decode(&m)
	for _, k := range []string{"key", "unit", "as_of", "value", "target", "met", "numerator", "denominator", "deadline", "children", "status"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, r.Body)
		}
	}
	if m["numerator"].(float64) != 1 || m["denominator"].(float64) != 176 || m["met"] != false {
		t.Errorf("hub coverage: %v/%v met %v", m["numerator"], m["denominator"], m["met"])
	}
	kids := m["children"].([]any)
	if len(kids) != 11 {
		t.Fatalf("%d children", len(kids))
	}
	for _, k := range []string{"unit", "name", "value", "met"} {
		if _, ok := kids[0].(map[string]any)[k]; !ok {
			t.Errorf("child without %q", k)
		}
	}
	t.Run("no training held is zero and behind, not met", func(t *testing.T) {
		// every source now keeps records (trainings since internal/training),
		// so a district without sessions is counted, not "no data"
		var e map[string]any
		r := s.cityC.Do("GET", "/api/v1/indicators/training_per_year?unit=440106", nil)
		r.Decode(&e)
		if e["status"] != "behind" || e["value"] != float64(0) || e["met"] != false {
			t.Fatalf("trainings: %s", r.Body)
		}
	})
	t.Run("lists behind the number", func(t *testing.T) {
		var p struct {
			Total int `json:"total"`
			Items []struct {
				Name string `json:"name"`
				Link string `json:"link"`
			} `json:"items"`
		}
		s.cityC.Do("GET", "/api/v1/indicators/hub_coverage/records?unit=4401", nil).Decode(&p)
		if p.Total != 1 || p.Items[0].Name != "天河南街坊互助队" || !strings.HasPrefix(p.Items[0].Link, "/orgs/") {
			t.Fatalf("records: %+v", p)
		}
		var u struct {
			Total int `json:"total"`
		}
		s.cityC.Do("GET", "/api/v1/indicators/hub_coverage/units?unit=4401&set=short", nil).Decode(&u)
		if u.Total != 175 {
			t.Fatalf("%d streets without a hub", u.Total)
		}
		var d struct {
			Total int `json:"total"`
			Items []struct {
				Unit      string  `json:"unit"`
				Shortfall float64 `json:"shortfall"`
			} `json:"items"`
		}
		s.cityC.Do("GET", "/api/v1/indicators/brand_orgs/units?unit=4401&set=short", nil).Decode(&d)
		if d.Total != 11 || d.Items[len(d.Items)-1].Unit != "440106" || d.Items[len(d.Items)-1].Shortfall != 2 {
			t.Fatalf("districts short of brand organizations: %+v", d)
		}
	})
}

func TestScopeOverHTTP(t *testing.T) {
	s := newSite(t)
	for _, c := range []struct {
		client *apptest.Client
		path   string
		status int
	}{
		{s.thC, "/dashboard/440106", 200},
		{s.thC, "/dashboard/440106008", 200},
		{s.thC, "/dashboard/440117", 404},
		{s.thC, "/dashboard/4401", 404},
		{s.thC, "/api/v1/dashboard/440117", 404},
		{s.thC, "/api/v1/indicators/hub_coverage?unit=440117", 404},
		{s.thC, "/api/v1/indicators/brand_orgs/records?unit=440117", 404},
		{s.thC, "/dashboard/440117/export.xlsx", 404},
		{s.thC, "/dashboard/440117/report", 404},
		{s.cityC, "/dashboard/440117", 200},
		{s.a.Anon(), "/api/v1/dashboard/4401", 401},
	} {
		if r := c.client.Do("GET", c.path, nil); r.Status != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, r.Status, c.status)
		}
	}
	// the dashboard kept encoded goes out as every JSON answer does (web.JSONBytes)
	if r := s.thC.Do("GET", "/api/v1/dashboard/440106", nil); r.Status != 200 || r.Header.Get("Content-Length") != strconv.Itoa(len(r.Body)) {
		t.Errorf("api dashboard: %d, Content-Length %q for %d bytes", r.Status, r.Header.Get("Content-Length"), len(r.Body))
	}
	if r := s.thC.Do("GET", "/dashboard", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/dashboard/440106" {
		t.Errorf("home: %d %s", r.Status, r.Header.Get("Location"))
	}
}

func TestDashboardPage(t *testing.T) {
	s := newSite(t)
	r := s.cityC.Do("GET", "/dashboard/4401?as_of=2023-06-15", nil)
	if r.Status != 200 || !r.IsHTML() {
		t.Fatalf("%d", r.Status)
	}
	body := r.String()
	for _, want := range []string{"kpi-row-hub_coverage", "kpi-row-rural_pilots", "示范引领阶段", `src="/static/kpi/echarts.min.js"`,
		`href="/dashboard/440106?as_of=2023-06-15"`, "kpi-ranking", "暂无数据"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if regexp.MustCompile(`style="|<script>`).MatchString(body) {
		t.Error("inline style or script: the CSP forbids them")
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="kpi-data">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no chart data")
	}
	var data struct {
		Charts []struct {
			Key    string     `json:"key"`
			Units  []string   `json:"units"`
			Values []*float64 `json:"values"`
		} `json:"charts"`
	}
	if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
		t.Fatalf("chart data is not JSON: %v", err)
	}
	if len(data.Charts) == 0 || len(data.Charts[0].Units) != 11 {
		t.Fatalf("charts: %+v", data.Charts)
	}
	js := s.cityC.Do("GET", "/static/kpi/echarts.min.js", nil)
	if js.Status != 200 || len(js.Body) < 500_000 || !strings.Contains(js.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("echarts: %d %s %d bytes", js.Status, js.Header.Get("Content-Type"), len(js.Body))
	}
	if r := s.cityC.Do("GET", "/dashboard/4401/report", nil); r.Status != 200 || !strings.Contains(r.String(), "kpi-report-table") {
		t.Fatalf("report: %d", r.Status)
	}
	if r := s.cityC.Do("GET", "/indicators/hub_coverage?unit=440106", nil); r.Status != 200 || !strings.Contains(r.String(), "天河南街坊互助队") {
		t.Fatalf("indicator page: %d", r.Status)
	}
}

func TestExport(t *testing.T) {
	s := newSite(t)
	r := s.cityC.Do("GET", "/dashboard/4401/export.xlsx?as_of=2023-06-15", nil)
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("%d %s", r.Status, r.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 {
		t.Fatalf("sheets %v", sheets)
	}
	rows, _ := f.GetRows(sheets[0])
	if len(rows) != 4+8 || rows[4][0] != "hub_coverage" {
		t.Fatalf("indicator rows: %v", rows)
	}
	ranks, _ := f.GetRows(sheets[1])
	if len(ranks) != 12 {
		t.Fatalf("%d ranking rows", len(ranks))
	}
	api := s.cityC.Do("GET", "/api/v1/dashboard/440106/export", nil)
	if api.Status != 200 || !strings.Contains(api.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("api export %d", api.Status)
	}
}

// TestAddIndicatorThroughThePage: a city administrator adds an indicator
// with the form and sees it evaluated at once.
func TestAddIndicatorThroughThePage(t *testing.T) {
	s := newSite(t)
	form := url.Values{"key": {"volunteer_marked"}, "name_zh": {"志愿服务组织标识"}, "name_en": {"Volunteer-marked organizations"},
		"scope_code": {"4401"}, "level": {"street"}, "kind": {"count"}, "source": {"orgs"}, "target": {"1"},
		"start_on": {"2024-01-01"}, "deadline": {"2025-12-31"}, "clause": {"下一轮方案"}, "active": {"1"},
		"f_status": {"active"}, "f_volunteer_mark": {"1"}}
	if r := s.thC.Do("POST", "/indicators", form); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a district officer adding a city indicator: %d", r.Status)
	}
	r := s.cityC.Do("POST", "/indicators", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/indicators/volunteer_marked?unit=4401") {
		t.Fatalf("location %s", loc)
	}
	if r := s.cityC.Do("GET", loc, nil); r.Status != 200 || !strings.Contains(r.String(), "志愿服务组织标识") {
		t.Fatalf("indicator page %d", r.Status)
	}
	var res map[string]any
	s.cityC.Do("GET", "/api/v1/indicators/volunteer_marked?unit=4401", nil).Decode(&res)
	if res["value"] != 0.0 || res["units_total"] != 176.0 {
		t.Fatalf("evaluated: %v", res)
	}
	d := s.cityC.Do("GET", "/dashboard/4401", nil)
	if !strings.Contains(d.String(), "kpi-row-volunteer_marked") {
		t.Fatal("not on the dashboard")
	}
	// a district's own goal: its officer adds it; the other district never sees it
	own := url.Values{"key": {"tianhe_brand_5"}, "name_zh": {"天河区品牌组织5个"}, "level": {"district"}, "kind": {"count"},
		"source": {"orgs"}, "target": {"5"}, "deadline": {"2023-12-31"}, "active": {"1"}, "f_brand": {"1"}}
	if r := s.thC.Do("POST", "/indicators", own); r.Status != http.StatusSeeOther {
		t.Fatalf("district goal: %d %s", r.Status, r.Body)
	}
	var th map[string]any
	s.thC.Do("GET", "/api/v1/indicators/tianhe_brand_5?unit=440106", nil).Decode(&th)
	if th["value"] != 1.0 || th["status"] != "behind" {
		t.Fatalf("district goal: %v", th)
	}
	if r := s.chC.Do("GET", "/api/v1/indicators/tianhe_brand_5?unit=440117", nil); r.Status != 404 {
		t.Fatalf("another district's goal: %d", r.Status)
	}
	if n := s.a.Count("audit_log WHERE action = 'indicator.create'"); n != 2 {
		t.Fatalf("%d audit rows", n)
	}
}

func TestPilotsAPI(t *testing.T) {
	s := newSite(t)
	for _, c := range []struct {
		client *apptest.Client
		body   map[string]string
		status int
		field  string
	}{
		{s.chC, map[string]string{"community_code": "440117103201", "designated_on": "2022-03-01"}, 422, "late_reason"},
		{s.chC, map[string]string{"community_code": "440117103201", "designated_on": "2022-03-01", "late_reason": "历史资料补录"}, 201, ""},
		{s.chC, map[string]string{"community_code": "440117103201"}, 409, "community_code"},
		{s.chC, map[string]string{"community_code": "440117001001"}, 422, "community_code"},
		{s.chC, map[string]string{"community_code": "440112001201"}, 422, "community_code"},
		{s.chC, map[string]string{"community_code": "440117103200", "designated_on": "2030-01-01"}, 422, "designated_on"},
		{s.a.As(s.a.User(auth.StreetOfficer, "440117103")), map[string]string{"community_code": "440117103200"}, 403, ""},
	} {
		r := c.client.Do("POST", "/api/v1/pilots", c.body)
		if r.Status != c.status {
			t.Errorf("%v: %d %s, want %d", c.body, r.Status, r.Body, c.status)
			continue
		}
		if c.field != "" {
			if _, ok := r.Error().Fields[c.field]; !ok {
				t.Errorf("%v: no message for %s: %s", c.body, c.field, r.Body)
			}
		}
	}
	var res map[string]any
	s.cityC.Do("GET", "/api/v1/indicators/rural_pilots?unit=440117", nil).Decode(&res)
	if res["value"] != 1.0 || res["met"] != true {
		t.Fatalf("rural pilots: %v", res)
	}
	s.cityC.Do("GET", "/api/v1/indicators/rural_pilots?unit=440117&as_of=2022-02-28", nil).Decode(&res)
	if res["value"] != 0.0 {
		t.Fatalf("before designation: %v", res)
	}
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	s.chC.Do("GET", "/api/v1/pilots", nil).Decode(&list)
	if len(list.Items) != 1 {
		t.Fatalf("pilots %+v", list)
	}
	id := list.Items[0].ID
	if r := s.thC.Do("POST", "/api/v1/pilots/"+itoa(id)+"/revoke", map[string]string{"reason": "x"}); r.Status != 404 {
		t.Fatalf("other district revokes: %d", r.Status)
	}
	if r := s.chC.Do("POST", "/api/v1/pilots/"+itoa(id)+"/revoke", map[string]string{"revoked_on": "2023-01-01", "reason": "调整试点", "late_reason": "补录"}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	s.cityC.Do("GET", "/api/v1/indicators/rural_pilots?unit=440117&as_of=2022-12-31", nil).Decode(&res)
	if res["value"] != 1.0 {
		t.Fatalf("on the last day: %v", res)
	}
	s.cityC.Do("GET", "/api/v1/indicators/rural_pilots?unit=440117", nil).Decode(&res)
	if res["value"] != 0.0 {
		t.Fatalf("after revocation: %v", res)
	}
	if n := s.a.Count("audit_log WHERE object_type = 'pilot'"); n != 2 {
		t.Fatalf("%d audit rows", n)
	}
	// the page
	page := s.chC.Do("POST", "/pilots", url.Values{"community_code": {"440117103200"}, "designated_on": {"2023-06-01"}})
	if page.Status != http.StatusSeeOther {
		t.Fatalf("page designate: %d %s", page.Status, page.Body)
	}
	if r := s.chC.Do("GET", "/pilots", nil); r.Status != 200 || !strings.Contains(r.String(), "440117103200") {
		t.Fatalf("pilots page %d", r.Status)
	}
	// its revocation on the page: refused without a reason (the page
	// again, 422), then made (303 to the list with its flash)
	var pilots struct {
		Items []kpi.Pilot `json:"items"`
	}
	s.chC.Do("GET", "/api/v1/pilots", nil).Decode(&pilots)
	var pageID int64
	for _, p := range pilots.Items {
		if p.CommunityCode == "440117103200" {
			pageID = p.ID
		}
	}
	revoke := "/pilots/" + itoa(pageID) + "/revoke"
	if r := s.chC.Do("POST", revoke, url.Values{"revoked_on": {"2023-06-10"}}); r.Status != http.StatusUnprocessableEntity || !r.IsHTML() {
		t.Fatalf("page revoke without a reason: %d %s", r.Status, r.Body)
	}
	r := s.chC.Do("POST", revoke, url.Values{"revoked_on": {"2023-06-10"}, "reason": {"调整试点"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/pilots?flash=kpi.pilot.revoked" {
		t.Fatalf("page revoke: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
}

func TestOpenAPIListsTheRoutes(t *testing.T) {
	s := newSite(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	s.a.Anon().Do("GET", "/api/v1/openapi.json", nil).Decode(&doc)
	for _, p := range []string{"/api/v1/indicators", "/api/v1/indicators/{key}", "/api/v1/indicators/{key}/records",
		"/api/v1/indicators/{key}/units", "/api/v1/dashboard/{code}", "/api/v1/dashboard/{code}/export", "/api/v1/pilots",
		"/api/v1/pilots/{id}/revoke"} {
		if doc.Paths[p] == nil {
			t.Errorf("openapi lacks %s", p)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
