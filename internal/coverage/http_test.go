package coverage_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// The API answers the contract's shape; the page (both languages) and the
// spreadsheet show the same figures as the API.
func TestReportOverHTTP(t *testing.T) {
	a := apptest.New(t)
	street := "440106008" // 天河南街道, 12 communities
	officer := a.CreateUser("tianhenan", auth.StreetOfficer, street, 0)
	city := a.CreateUser("city", auth.CityAdmin, "4401", 0)
	for i, c := range []struct{ name, comm string }{{"育蕾长者舞蹈队", "440106008007"}, {"育蕾书画社", "440106008007"}, {"直街互助会", "440106008008"}} {
		in := apptest.ActiveInput(c.name, c.comm)
		if i == 2 {
			in.TargetGroups = []string{"children"}
		}
		a.CreateOrg(city, in)
	}
	cl := a.As(officer)
	r := cl.Do("GET", "/api/v1/coverage?unit="+street+"&by=target_group", nil)
	if r.Status != 200 {
		t.Fatalf("api: %d %s", r.Status, r.Body)
	}
	// the report kept encoded goes out as every JSON answer does (web.JSONBytes)
	if ct, l := r.Header.Get("Content-Type"), r.Header.Get("Content-Length"); ct != "application/json; charset=utf-8" || l != strconv.Itoa(len(r.Body)) {
		t.Errorf("api: Content-Type %q, Content-Length %q for %d bytes", ct, l, len(r.Body))
	}
	var raw map[string]json.RawMessage
	r.Decode(&raw)
	for _, k := range []string{"unit", "by", "columns", "rows", "covered"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("the answer has no %q", k)
		}
	}
	var rep struct {
		Unit    string   `json:"unit"`
		By      string   `json:"by"`
		Columns []string `json:"columns"`
		Rows    []struct {
			Unit  string         `json:"unit"`
			Name  string         `json:"name"`
			Cells map[string]int `json:"cells"`
			Total int            `json:"total"`
		} `json:"rows"`
		Covered map[string]float64      `json:"covered"`
		Empty   []struct{ Unit string } `json:"empty_communities"`
	}
	r.Decode(&rep)
	if rep.Unit != street || rep.By != "target_group" || !slices.Equal(rep.Columns, registry.TargetGroups) || len(rep.Rows) != 12 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Rows[0].Unit != "440106008007" || rep.Rows[0].Cells["elderly"] != 2 || rep.Rows[0].Total != 2 ||
		rep.Rows[1].Cells["children"] != 1 || rep.Rows[1].Cells["elderly"] != 0 {
		t.Errorf("rows %+v", rep.Rows[:2])
	}
	if rep.Covered["elderly"] != 1.0/12 || rep.Covered["children"] != 1.0/12 || rep.Covered["women"] != 0 || len(rep.Empty) != 10 {
		t.Errorf("covered %v, %d empty", rep.Covered, len(rep.Empty))
	}
	for _, lang := range []string{"zh-CN", "en"} {
		p := cl.Do("GET", "/coverage?unit="+street+"&lang="+lang, nil)
		if p.Status != 200 || !p.IsHTML() {
			t.Fatalf("page %s: %d", lang, p.Status)
		}
		s := p.String()
		for _, want := range []string{`id="cov-row-440106008007"`, `class="num cov-empty"`, `id="cov-empty-440106008010"`, "育蕾社区"} {
			if !strings.Contains(s, want) {
				t.Errorf("page %s lacks %s", lang, want)
			}
		}
		if strings.Contains(s, "style=") || strings.Contains(s, "<script>") {
			t.Errorf("page %s has an inline style or script", lang)
		}
		title := map[string]string{"zh-CN": "社区社会组织覆盖情况", "en": "Coverage of community social organizations"}[lang]
		if !strings.Contains(s, title) {
			t.Errorf("page %s: no title %q", lang, title)
		}
	}
	x := cl.Do("GET", "/coverage/export.xlsx?unit="+street+"&lang=en", nil)
	if x.Status != 200 {
		t.Fatalf("export: %d", x.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Coverage")
	if err != nil {
		t.Fatal(err)
	}
	// row 4 is the head, then one row per community
	if len(rows) < 5+12 || rows[4][0] != "440106008007" || rows[4][2] != "2" || rows[4][3] != "2" {
		t.Fatalf("sheet %q", rows[:5])
	}
	for i, row := range rep.Rows {
		got := rows[4+i]
		if got[0] != row.Unit || got[2] != strconv.Itoa(row.Total) {
			t.Errorf("sheet row %v, api %+v", got, row)
		}
	}
	empty, _ := f.GetRows("Without any")
	if len(empty) != 1+len(rep.Empty) {
		t.Errorf("%d communities without any in the sheet, %d in the api", len(empty)-1, len(rep.Empty))
	}
}

// A district adds its own coverage indicator as data through the form; its
// target groups survive the form and it is evaluated from the rollup.
func TestCoverageIndicatorThroughTheForm(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("tianhe", auth.DistrictOfficer, "440106", 0)
	city := a.CreateUser("city", auth.CityAdmin, "4401", 0)
	a.ActiveOrg(city, "育蕾长者舞蹈队", "440106008007")
	cl := a.As(district)
	r := cl.Do("POST", "/indicators", url.Values{"key": {"tianhe_elderly"}, "name_zh": {"天河区为老服务覆盖率"}, "scope_code": {"440106"},
		"level": {"district"}, "kind": {"unit_share"}, "source": {"coverage"}, "unit_level": {"community"},
		"f_target_groups": {"elderly"}, "target": {"0.9"}, "deadline": {"2023-12-31"}, "active": {"1"}})
	if r.Status != 303 {
		t.Fatalf("form: %d %s", r.Status, r.Body)
	}
	var def struct {
		Rule struct {
			Source string `json:"source"`
			Filter struct {
				TargetGroups []string `json:"target_groups"`
			} `json:"filter"`
		} `json:"rule"`
	}
	cl.Do("GET", "/api/v1/indicators/tianhe_elderly/definition", nil).Decode(&def)
	if def.Rule.Source != "coverage" || !slices.Equal(def.Rule.Filter.TargetGroups, []string{"elderly"}) {
		t.Fatalf("definition %+v", def)
	}
	var res struct {
		Numerator, Denominator *int
	}
	cl.Do("GET", "/api/v1/indicators/tianhe_elderly?unit=440106008", nil).Decode(&res)
	if res.Numerator == nil || *res.Numerator != 1 || *res.Denominator != 12 {
		t.Errorf("天河南: %v of %v communities covered, want 1 of 12", res.Numerator, res.Denominator)
	}
	if r := cl.Do("GET", "/indicators/tianhe_elderly/edit", nil); r.Status != 200 || !strings.Contains(r.String(), `value="elderly"`) {
		t.Errorf("edit form: %d, groups not shown", r.Status)
	}
}
