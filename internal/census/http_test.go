package census_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/internal/app/apptest"
	"linli/internal/census"
	"linli/internal/platform/auth"
)

const apiCSV = "组织名称,管理层级,组织类型,所属社区（村）代码,负责人,负责人电话,状态\n" +
	"街坊互助队,社区管理,居民互助性,440106008007,陈丽,13812345678,正常活动\n" +
	"夕阳红舞蹈队,社区管理,文体娱乐性,440106008008,刘芳,13912345678,正常活动\n"

type apiReport struct {
	Created, Updated, Unchanged int
	Errors                      []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	}
}

func TestImportExportOverHTTP(t *testing.T) {
	a := apptest.New(t)
	street := a.As(a.User(auth.StreetOfficer, "440106008"))
	upload := func(path, name, content string) (*apptest.Response, apiReport) {
		r := street.Do("POST", path, apptest.Upload{Field: "file", Filename: name, Data: []byte(content)})
		var rep apiReport
		r.Decode(&rep)
		return r, rep
	}

	r := street.Do("GET", "/api/v1/orgs/import/template.xlsx", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("template: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if x, err := excelize.OpenReader(bytes.NewReader(r.Body)); err != nil || len(x.GetSheetList()) != 3 {
		t.Fatalf("template workbook: %v", err)
	}

	bad := strings.Replace(apiCSV, "13912345678", "1391234", 1)
	r, rep := upload("/api/v1/orgs/import", "bad.csv", bad)
	if r.Status != http.StatusUnprocessableEntity || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || rep.Errors[0].Column != "负责人电话" {
		t.Fatalf("bad file: %d %s", r.Status, r.Body)
	}
	r, rep = upload("/api/v1/orgs/import?dry_run=1", "ok.csv", apiCSV)
	if r.Status != 200 || rep.Created != 2 || a.Count("orgs") != 0 {
		t.Fatalf("dry run: %d %s", r.Status, r.Body)
	}
	r, rep = upload("/api/v1/orgs/import", "ok.csv", apiCSV)
	if r.Status != 200 || rep.Created != 2 || a.Count("orgs") != 2 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), `"errors":[]`) {
		t.Errorf("errors should be an empty list: %s", r.Body)
	}

	r = street.Do("GET", "/api/v1/orgs/export.csv?q=jfhz", nil)
	if r.Status != 200 || !strings.Contains(r.String(), "街坊互助队") || strings.Contains(r.String(), "夕阳红") {
		t.Fatalf("export with a search: %d %s", r.Status, r.Body)
	}
	r = street.Do("GET", "/api/v1/orgs/export.xlsx", nil)
	if r.Status != 200 {
		t.Fatalf("export xlsx: %d", r.Status)
	}
	r, rep = upload("/api/v1/orgs/import", "export.xlsx", string(r.Body))
	if r.Status != 200 || rep.Unchanged != 2 {
		t.Fatalf("export → import: %d %s", r.Status, r.Body)
	}

	page := street.Do("GET", "/orgs?q=%E4%BA%92%E5%8A%A9", nil)
	for _, want := range []string{`id="org-import"`, `href="/api/v1/orgs/export.xlsx?q=%e4%ba%92%e5%8a%a9"`, `id="org-template"`} {
		if !strings.Contains(strings.ToLower(page.String()), strings.ToLower(want)) {
			t.Errorf("list page lacks %s", want)
		}
	}

	t.Run("the page imports in the background and shows the result", func(t *testing.T) {
		r := street.Do("POST", "/census/import", apptest.Upload{Field: "file", Filename: "bad.csv", Data: []byte(bad)})
		loc := r.Header.Get("Location")
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/census/jobs/") {
			t.Fatalf("upload: %d %s", r.Status, loc)
		}
		r = street.Do("GET", loc, nil)
		var body string
		for i := 0; i < 100; i++ { // the job page refreshes itself until the import ends
			body = r.String()
			if !strings.Contains(body, `id="job-progress"`) {
				break
			}
			time.Sleep(50 * time.Millisecond)
			r = street.Do("GET", jobPath.FindStringSubmatch(body)[1], nil)
		}
		if !strings.Contains(body, `id="job-rejected"`) || !strings.Contains(body, "请填写 11 位手机号") {
			t.Fatalf("job page: %s", body)
		}
	})

	t.Run("openapi documents the routes", func(t *testing.T) {
		var doc struct{ Paths map[string]any }
		a.Anon().Do("GET", "/api/v1/openapi.json", nil).Decode(&doc)
		for _, p := range []string{"/api/v1/orgs/import", "/api/v1/orgs/import/template.xlsx", "/api/v1/orgs/export.xlsx",
			"/api/v1/orgs/export.csv", "/api/v1/census/rounds", "/api/v1/census/rounds/{id}/submissions"} {
			if doc.Paths[p] == nil {
				t.Errorf("openapi lacks %s", p)
			}
		}
	})
}

func TestRoundOverHTTP(t *testing.T) {
	a := apptest.New(t)
	district := a.As(a.User(auth.DistrictOfficer, "440106"))
	street := a.As(a.User(auth.StreetOfficer, "440106008"))
	city := a.As(a.User(auth.CityAdmin, "4401"))
	r := district.Do("POST", "/api/v1/census/rounds", map[string]string{"title": "2023年摸底", "deadline": "2023-07-31"})
	var round census.Round
	r.Decode(&round)
	if r.Status != 201 || round.ID == 0 {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	path := "/api/v1/census/rounds/" + itoa(round.ID)
	r = street.Do("POST", path+"/submissions", apptest.Upload{Field: "file", Filename: "天河南.csv", Data: []byte(apiCSV)})
	if r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var v census.RoundView
	city.Do("GET", path, nil).Decode(&v)
	if v.Round.Submitted != 1 || v.Summary.Rows != 2 || v.Summary.ByType["mutual_aid"] != 1 {
		t.Fatalf("city sees %+v", v)
	}
	for _, c := range []struct {
		client *apptest.Client
		path   string
		want   string
	}{
		{district, "/census", `id="round-form"`},
		{city, "/census", "2023年摸底"},
		{street, "/census/import", `id="import-form"`},
		{street, "/census/rounds/" + itoa(round.ID), `id="submit-form"`},
	} {
		if r := c.client.Do("GET", c.path, nil); r.Status != 200 || !strings.Contains(r.String(), c.want) {
			t.Errorf("GET %s: %d, lacks %s", c.path, r.Status, c.want)
		}
	}
	page := city.Do("GET", "/census/rounds/"+itoa(round.ID), nil)
	if page.Status != 200 || !strings.Contains(page.String(), "天河南街道") || !strings.Contains(page.String(), `id="summary-total">2<`) {
		t.Fatalf("round page: %d", page.Status)
	}
	if r := street.Do("POST", path+"/close", nil); r.Status != 403 {
		t.Fatalf("street closes: %d", r.Status)
	}
	var closed census.Round
	district.Do("POST", path+"/close", nil).Decode(&closed)
	if closed.Status != census.RoundClosed {
		t.Fatalf("closed: %+v", closed)
	}
	j, _ := json.Marshal(closed)
	if !strings.Contains(string(j), `"closed_at"`) {
		t.Errorf("closed round: %s", j)
	}
}

var jobPath = regexp.MustCompile(`data-job="([^"]+)"`)

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// For every role, the census pages offer opening a round, importing a file,
// submitting into a round and closing it exactly when the service (or the
// upload handler) accepts it: both read census's rules.
func TestCensusPagesOfferWhatIsAccepted(t *testing.T) {
	a := apptest.New(t)
	tianhe := a.User(auth.DistrictOfficer, "440106")
	open := func() int64 {
		var r census.Round
		a.As(tianhe).Do("POST", "/api/v1/census/rounds", map[string]string{"title": "摸底", "deadline": "2023-07-31"}).
			Expect(http.StatusCreated).Decode(&r)
		return r.ID
	}
	round := open()
	users := []*auth.User{a.User(auth.CityAdmin, "4401"), a.User(auth.DistrictOfficer, "440105"),
		a.User(auth.StreetOfficer, "440106008"), a.User(auth.StreetOfficer, "440105001"), a.User(auth.CommunityCommittee, "440106008007"),
		a.User(auth.Auditor, "4401"), tianhe}
	offered := func(c *apptest.Client, path, mark string) bool {
		r := c.Do("GET", path, nil)
		return r.Status == http.StatusOK && strings.Contains(r.String(), mark)
	}
	seen := map[string]bool{}
	for _, u := range users {
		c := a.As(u)
		check := func(what string, offered, accepted bool, status int) {
			t.Helper()
			if offered != accepted {
				t.Errorf("%s@%s, %s: the page offers it %v, the service answers %d", u.Role, u.ScopeCode, what, offered, status)
			}
			seen[what] = seen[what] || offered
		}
		// import: the upload is refused (403) before it is read, or read
		// (here: no file, 422)
		o := offered(c, "/census/import", `id="import-form"`)
		r := c.Do("POST", "/census/import", apptest.Upload{Fields: map[string]string{"x": "y"}})
		check("import", o, r.Status != http.StatusForbidden, r.Status)

		o = offered(c, "/census", `id="round-form"`)
		r = c.Do("POST", "/api/v1/census/rounds", map[string]string{"title": "另一轮", "deadline": "2023-08-31"})
		check("open", o, r.Status == http.StatusCreated, r.Status)

		path := "/census/rounds/" + itoa(round)
		o = offered(c, path, `id="submit-form"`)
		r = c.Do("POST", "/api/v1"+path+"/submissions",
			apptest.Upload{Field: "file", Filename: "天河南.csv", Data: []byte(apiCSV)})
		check("submit", o, r.Status == http.StatusOK, r.Status)

		o = offered(c, path, `action="/census/rounds/`+itoa(round)+`/close"`)
		r = c.Do("POST", "/api/v1"+path+"/close", nil)
		check("close", o, r.Status == http.StatusOK, r.Status)
		if r.Status == http.StatusOK {
			round = open()
		}
	}
	for _, what := range []string{"import", "open", "submit", "close"} {
		if !seen[what] {
			t.Errorf("%s is offered to nobody: the page's marker is stale", what)
		}
	}
}
