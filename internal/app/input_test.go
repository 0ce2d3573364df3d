package app_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// A well-formed unified social credit code (check digit valid) and one with
// a wrong check digit.
const (
	goodCredit = "91440101MA59XXXXXA"
	badCredit  = "91440101MA59XXXXX1"
)

type inputFixture struct {
	a        *apptest.App
	c        *apptest.Client
	org, dup int64
}

func newInputFixture(t *testing.T) *inputFixture {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, wushan)
	o := a.CreateOrg(officer, apptest.OrgInput("五山夕阳红舞蹈队", wushanComm))
	d := a.CreateOrg(officer, apptest.OrgInput("五山象棋协会", wushanComm))
	return &inputFixture{a: a, c: a.As(officer), org: o.ID, dup: d.ID}
}

func (f *inputFixture) with(t *testing.T) *inputFixture {
	return &inputFixture{a: f.a.With(t), c: f.c.With(t), org: f.org, dup: f.dup}
}

// unchanged fails the test if any organization or audit row was written.
func (f *inputFixture) unchanged(t *testing.T, do func()) {
	t.Helper()
	orgs, audits, v := f.a.Count("orgs"), f.a.Count("audit_log"), f.a.Org(f.org).Version
	do()
	if f.a.Count("orgs") != orgs || f.a.Count("audit_log") != audits || f.a.Org(f.org).Version != v {
		t.Errorf("a refused request wrote something")
	}
}

// orgJSON is a valid create body as raw JSON fields, to be altered per case.
func orgJSON(over map[string]string) string {
	m := map[string]string{"name": `"五山太极拳队"`, "tier": `"community"`, "types": `["culture_sports"]`,
		"community_code": `"` + wushanComm + `"`, "leader_name": `"王五"`, "leader_phone": `"13700137000"`}
	for k, v := range over {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	var parts []string
	for k, v := range m {
		parts = append(parts, strconv.Quote(k)+":"+v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

var badOrgJSON = []struct {
	name   string
	over   map[string]string
	status int
	field  string
}{
	{"unknown field", map[string]string{"nmae": `"x"`}, 422, "nmae"},
	{"wrong type", map[string]string{"members": `"many"`}, 422, "members"},
	{"wrong type in a list", map[string]string{"types": `"culture_sports"`}, 422, "types"},
	{"missing name", map[string]string{"name": ""}, 422, "name"},
	{"bad credit code", map[string]string{"tier": `"registered"`, "credit_code": `"` + badCredit + `"`}, 422, "credit_code"},
	{"registered without credit code", map[string]string{"tier": `"registered"`}, 422, "credit_code"},
	{"bad phone", map[string]string{"leader_phone": `"12345"`}, 422, "leader_phone"},
	{"unknown type", map[string]string{"types": `["karaoke"]`}, 422, "types"},
	{"bad date", map[string]string{"founded_on": `"2020-13-45"`}, 422, "founded_on"},
	{"future date", map[string]string{"founded_on": `"2099-01-01"`}, 422, "founded_on"},
	{"community outside scope", map[string]string{"community_code": `"` + haizhuComm + `"`}, 422, "community_code"},
	{"not a community", map[string]string{"community_code": `"` + wushan + `"`}, 422, "community_code"},
	{"duplicate name", map[string]string{"name": `"五山 夕阳红舞蹈队"`}, 409, "name"},
}

func TestBadInputAPICreate(t *testing.T) {
	f := newInputFixture(t)
	for _, tc := range badOrgJSON {
		t.Run(tc.name, func(t *testing.T) {
			f := f.with(t)
			f.unchanged(t, func() {
				r := f.c.Do("POST", "/api/v1/orgs", orgJSON(tc.over))
				checkFieldError(t, r, tc.status, tc.field)
			})
		})
	}
	if r := f.c.Do("POST", "/api/v1/orgs", orgJSON(nil)); r.Status != http.StatusCreated {
		t.Errorf("the valid body itself: %d %s", r.Status, r.Body)
	}
}

func TestBadInputAPIPatch(t *testing.T) {
	f := newInputFixture(t)
	path := "/api/v1/orgs/" + strconv.FormatInt(f.org, 10)
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown field", `{"leader":"x"}`, 422, "leader"},
		{"wrong type", `{"members":"many"}`, 422, "members"},
		{"bad phone", `{"leader_phone":"12345"}`, 422, "leader_phone"},
		{"bad credit code", `{"credit_code":"` + badCredit + `"}`, 422, "credit_code"},
		{"community outside scope", `{"community_code":"` + haizhuComm + `"}`, 422, "community_code"},
		{"empty name", `{"name":""}`, 422, "name"},
		{"status by patch", `{"status":"active"}`, 422, "status"},
		{"duplicate name", `{"name":"五山象棋协会"}`, 409, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := f.with(t)
			f.unchanged(t, func() {
				checkFieldError(t, f.c.Do("PATCH", path, tc.body), tc.status, tc.field)
			})
		})
	}
	r := f.c.Do("PATCH", path, `{"credit_code":"`+goodCredit+`","tier":"registered"}`)
	if r.Status != http.StatusOK {
		t.Errorf("a valid patch: %d %s", r.Status, r.Body)
	}
}

func checkFieldError(t *testing.T, r *apptest.Response, status int, field string) {
	t.Helper()
	if r.Status != status || !r.IsJSON() {
		t.Fatalf("status %d (%s), want %d JSON: %.300s", r.Status, r.Header.Get("Content-Type"), status, r.Body)
	}
	e := r.Error()
	if e.Fields[field] == "" {
		t.Errorf("error %+v names no %q", e, field)
	}
	want := map[int]string{422: "invalid", 409: "conflict"}[status]
	if e.Code != want {
		t.Errorf("code %q, want %q", e.Code, want)
	}
}

// TestBadInputForm: the HTML form comes back with the status, the typed
// values and the message beside the field.
func TestBadInputForm(t *testing.T) {
	f := newInputFixture(t)
	for _, tc := range []struct {
		name   string
		change []string
		status int
		field  string
	}{
		{"bad phone", []string{"leader_phone", "12345"}, 422, "leader_phone"},
		{"bad credit code", []string{"tier", "registered", "credit_code", badCredit}, 422, "credit_code"},
		{"members not a number", []string{"members", "abc"}, 422, "members"},
		{"no type", []string{"types", ""}, 422, "types"},
		{"community outside scope", []string{"community_code", haizhuComm}, 422, "community_code"},
		{"duplicate name", []string{"name", "五山夕阳红舞蹈队"}, 409, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := f.with(t)
			v := orgForm("五山太极拳队")
			v.Set("address", "天河区五山东路1号")
			for i := 0; i+1 < len(tc.change); i += 2 {
				v.Set(tc.change[i], tc.change[i+1])
			}
			f.unchanged(t, func() {
				r := f.c.Do("POST", "/orgs", v)
				checkForm(t, r, v, tc.status, tc.field)
			})
		})
	}
}

func checkForm(t *testing.T, r *apptest.Response, v url.Values, status int, field string) {
	t.Helper()
	if r.Status != status || !r.IsHTML() {
		t.Fatalf("status %d (%s), want %d HTML", r.Status, r.Header.Get("Content-Type"), status)
	}
	page := r.String()
	if !strings.Contains(page, `id="err-`+field+`"`) {
		t.Errorf("no message beside %s", field)
	}
	for _, k := range []string{"name", "address", "leader_name"} {
		if !strings.Contains(page, `value="`+html.EscapeString(v.Get(k))+`"`) {
			t.Errorf("typed %s %q not kept", k, v.Get(k))
		}
	}
}
