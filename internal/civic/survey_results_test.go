package civic_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/app/apptest"
	"linli/internal/civic"
	"linli/internal/platform/auth"
)

// A survey's results by question: counts and shares equal an independent
// tally of the answers, free text is only counted; the page and the .xlsx
// say the same; the results reach the portal only when the owner publishes
// them (audited), and a withdrawal takes them off at once. A street officer
// below reads them but may not publish a district's survey; an officer of
// another district sees nothing.
func TestSurveyResultsByQuestion(t *testing.T) {
	a := apptest.New(t)
	district := a.CreateUser("sr-district", auth.DistrictOfficer, tianhe, 0)
	street := a.CreateUser("sr-street", auth.StreetOfficer, wushan, 0)
	sv := postSurvey(t, a.As(district), map[string]any{"title": "天河区认可度逐题调查", "unit_code": tianhe,
		"opens_on": "2023-06-01", "closes_on": "2023-06-30"})
	answers := []map[string]string{
		{"knows": "yes", "took_part": "yes", "satisfaction": "5", "remark": "多办活动"},
		{"knows": "yes", "took_part": "no", "satisfaction": "4"},
		{"knows": "no", "took_part": "no", "satisfaction": "4", "remark": "秘密建议13712340000"},
		{"knows": "yes", "took_part": "no", "satisfaction": "1"},
	}
	for i, ans := range answers {
		comm := wushanC
		if i == 3 {
			comm = "440106002008"
		}
		c := signUp(t, a, "sr-res"+strconv.Itoa(i), comm, "")
		if r := c.Do("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", sv.ID), map[string]any{"answers": ans}); r.Status != http.StatusNoContent {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
	}
	// the independent tally
	want := map[string]map[string]int{}
	answered := map[string]int{}
	for _, ans := range answers {
		for k, v := range ans {
			if want[k] == nil {
				want[k] = map[string]int{}
			}
			want[k][v]++
			answered[k]++
		}
	}
	var res civic.Results
	r := a.As(street).Do("GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("street reads results: %d %s", r.Status, r.Body)
	}
	r.Decode(&res)
	if len(res.Questions) != 4 || res.Survey == nil || res.Survey.Title != sv.Title {
		t.Fatalf("questions: %+v", res)
	}
	for _, q := range res.Questions {
		if q.Answered != answered[q.Key] {
			t.Errorf("%s: answered %d, counted %d", q.Key, q.Answered, answered[q.Key])
		}
		if q.Scale == "text" {
			if len(q.Options) != 0 {
				t.Errorf("free text tallied: %+v", q.Options)
			}
			continue
		}
		total := 0
		for _, o := range q.Options {
			total += o.Count
			if o.Count != want[q.Key][o.Value] {
				t.Errorf("%s=%s: %d, counted %d", q.Key, o.Value, o.Count, want[q.Key][o.Value])
			}
			if wantShare := float64(int(float64(o.Count)/float64(q.Answered)*1000+0.5)) / 1000; o.Share != wantShare {
				t.Errorf("%s=%s: share %v, want %v", q.Key, o.Value, o.Share, wantShare)
			}
		}
		if total != q.Answered {
			t.Errorf("%s: options add to %d of %d", q.Key, total, q.Answered)
		}
	}
	if q := res.Questions[2]; q.Key != "satisfaction" || q.Mean != 3.5 || len(q.Options) != 5 {
		t.Errorf("satisfaction: %+v", q)
	}
	// the page and the spreadsheet
	page := a.As(street).Do("GET", fmt.Sprintf("/surveys/%d", sv.ID), nil)
	if page.Status != http.StatusOK || !strings.Contains(page.String(), "75%") || !strings.Contains(page.String(), "data-label=") ||
		strings.Contains(page.String(), "秘密建议") || strings.Contains(page.String(), `id="publish"`) {
		t.Fatalf("street's results page: %d %.300s", page.Status, page.Body)
	}
	if l := a.As(street).Do("GET", "/surveys", nil); l.Status != http.StatusOK || !strings.Contains(l.String(), sv.Title) {
		t.Fatalf("survey list: %d", l.Status)
	}
	x := a.As(district).Do("GET", fmt.Sprintf("/api/v1/surveys/%d/results.xlsx", sv.ID), nil)
	if x.Status != http.StatusOK {
		t.Fatalf("xlsx: %d %s", x.Status, x.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	yes := 0
	for _, row := range rows[1:] {
		if len(row) >= 3 && strings.HasPrefix(row[0], "您是否知道") && row[1] == "是" {
			yes, _ = strconv.Atoi(row[2])
		}
		if strings.Contains(strings.Join(row, " "), "秘密建议") {
			t.Fatal("a free-text answer in the spreadsheet")
		}
	}
	if yes != want["knows"]["yes"] {
		t.Fatalf("xlsx knows=yes %d, counted %d (%v)", yes, want["knows"]["yes"], rows)
	}
	// the portal: nothing until published; the street may not publish a district's survey
	pub := fmt.Sprintf("/p/surveys/%d", sv.ID)
	if r := a.Anon().Do("GET", pub, nil); r.Status != http.StatusNotFound {
		t.Fatalf("unpublished results on the portal: %d", r.Status)
	}
	if r := a.Anon().Do("GET", "/p/"+wushanC, nil); strings.Contains(r.String(), sv.Title) {
		t.Fatal("the unpublished survey on the community's page")
	}
	if r := a.As(street).Do("POST", fmt.Sprintf("/api/v1/surveys/%d/publication", sv.ID), map[string]bool{"published": true}); r.Status != http.StatusForbidden {
		t.Fatalf("a street publishes a district's survey: %d", r.Status)
	}
	haizhu := a.CreateUser("sr-haizhu", auth.DistrictOfficer, "440105", 0)
	for _, p := range []string{"/surveys/%d", "/api/v1/surveys/%d/results.xlsx"} {
		if r := a.As(haizhu).Do("GET", fmt.Sprintf(p, sv.ID), nil); r.Status != http.StatusNotFound {
			t.Fatalf("another district %s: %d", p, r.Status)
		}
	}
	if r := a.As(haizhu).Do("POST", fmt.Sprintf("/api/v1/surveys/%d/publication", sv.ID), map[string]bool{"published": true}); r.Status != http.StatusNotFound {
		t.Fatalf("another district publishes: %d", r.Status)
	}
	audits := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'survey.%publish'`)
	if audits != 0 {
		t.Fatalf("refusals wrote %d audit rows", audits)
	}
	if r := a.As(district).Do("POST", fmt.Sprintf("/api/v1/surveys/%d/publication", sv.ID), map[string]bool{"published": true}); r.Status != http.StatusOK {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	p := a.Anon().Do("GET", pub, nil)
	if p.Status != http.StatusOK || !strings.Contains(p.String(), sv.Title) || !strings.Contains(p.String(), "og:title") || strings.Contains(p.String(), "秘密建议") {
		t.Fatalf("published results: %d %.300s", p.Status, p.Body)
	}
	for _, place := range []string{tianhe, wushan, wushanC, "4401"} {
		if r := a.Anon().Do("GET", "/p/"+place, nil); !strings.Contains(r.String(), pub) {
			t.Errorf("the page of %s does not list the published survey", place)
		}
	}
	if r := a.Anon().Do("GET", "/p/440105", nil); strings.Contains(r.String(), pub) {
		t.Error("another district's page lists the survey")
	}
	var pres civic.Results
	a.Anon().Do("GET", fmt.Sprintf("/api/v1/public/surveys/%d", sv.ID), nil).Decode(&pres)
	if pres.Total.Answers != len(answers) || len(pres.Questions) != 4 {
		t.Fatalf("public API: %+v", pres)
	}
	if r := a.As(district).Do("POST", fmt.Sprintf("/surveys/%d/publication", sv.ID), url.Values{"published": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("withdraw by the page: %d %s", r.Status, r.Body)
	}
	if r := a.Anon().Do("GET", pub, nil); r.Status != http.StatusNotFound {
		t.Fatalf("withdrawn results still public: %d", r.Status)
	}
	if r := a.Anon().Do("GET", fmt.Sprintf("/api/v1/public/surveys/%d", sv.ID), nil); r.Status != http.StatusNotFound {
		t.Fatalf("withdrawn results in the API: %d", r.Status)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action IN ('survey.publish', 'survey.unpublish') AND object_id = $1`, strconv.FormatInt(sv.ID, 10)); n != 2 {
		t.Fatalf("%d audit rows for publish and withdraw", n)
	}
}
