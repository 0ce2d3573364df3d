package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/evaluation"
	"linli/internal/platform/auth"
	"linli/internal/platform/pick"
	"linli/internal/registry"
)

// The place picker in the scope walk: an intruder searching for 五山街道 or
// its community finds nothing of it.
func init() {
	hides := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if strings.Contains(r.String(), "五山街道") || strings.Contains(r.String(), "岳洲") {
			t.Errorf("%s picks 五山's places: %s", who, r.String())
		}
	}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /api/v1/places/pick", path: "/api/v1/places/pick?q=" + url.QueryEscape("五山"), want: 200, check: hides},
		scopeCase{pattern: "GET /api/v1/places/pick", path: "/api/v1/places/pick?level=community&q=" + url.QueryEscape("岳洲"), want: 200, check: hides},
		scopeCase{pattern: "GET /api/v1/places/pick", path: "/api/v1/places/pick?level=town", want: 422},
	)
}

// placeForm is one form that names a community: its path, its other
// fields, its community field, and how to read the code of the row it wrote
// last ("" when none).
type placeForm struct {
	name, page, path, field string
	role, scope             string
	// body is the i-th submission with the community field set to text;
	// setup runs once before (it may create an organization).
	body  func(a *apptest.App, i int, text string) any
	setup func(a *apptest.App)
	last  func(a *apptest.App) string
	count string
	// ok and bad replace the 天河 communities of urbanOK and urbanBad;
	// fresh runs each of ok in a database of its own (a community is
	// designated once).
	ok, bad []placeCase
	fresh   bool
	// picker is the field's data-pick when not a community's; errPage:
	// the form answers a refusal with a page of its own, not the field.
	picker  string
	errPage bool
}

// placeCase is a text typed into the community field and the code it
// names, or (bad) what the field error must say.
type placeCase struct{ text, want string }

var (
	urbanOK = []placeCase{
		{"440106001001", "440106001001"},
		{"岳洲社区居委会", "440106001001"},
		{"岳洲社区居委会 #440106001001", "440106001001"},
		{"440106003016", "440106003016"},
		{"车陂街道 · 天雅社区居委会", "440106003016"},
	}
	urbanBad = []placeCase{
		{"天雅社区居委会", "440106016003"},
		{"不存在的社区", "不存在的社区"},
		{"永兴村委会", "永兴村委会"}, // 白云区, outside 天河
	}
	// rural villages, for a city administrator
	ruralOK = []placeCase{
		{"440111020202", "440111020202"},
		{"南岭村委会", "440111020202"},
		{"南岭村委会 #440111020202", "440111020202"},
		{"龙归街道 · 永兴村委会", "440111020200"},
	}
	ruralBad = []placeCase{
		{"乌石村委会", "440118103202"},
		{"永兴村委会", "440118103242"},
		{"不存在的村", "不存在的村"},
	}
)

func lastCode(a *apptest.App, query string) string {
	var code string
	if err := a.DB.Read.QueryRow(query).Scan(&code); err != nil {
		return ""
	}
	return code
}

// activityHost is the organization the activity form records for.
var activityHost int64

var placeForms = []placeForm{
	{name: "points", page: "/demonstration-points", path: "/demonstration-points", field: "community_code", role: auth.DistrictOfficer, scope: tianhe,
		body: func(a *apptest.App, i int, text string) any {
			return form("kind", "point", "district_code", tianhe, "year", strconv.Itoa(2021+i%3), "reason", "示范点理由", "community_code", text)
		},
		last: func(a *apptest.App) string {
			return lastCode(a, `SELECT community_code FROM demonstration_points ORDER BY id DESC LIMIT 1`)
		},
		count: "demonstration_points"},
	{name: "activity", page: "/activities/new", path: "/activities", field: "community_code", role: auth.DistrictOfficer, scope: tianhe,
		setup: func(a *apptest.App) {
			in := apptest.ActiveInput("五山书法社", wushanComm)
			activityHost = a.CreateOrg(a.User(auth.StreetOfficer, wushan), in).ID
		},
		body: func(a *apptest.App, i int, text string) any {
			return apptest.Upload{Fields: map[string]string{"org_id": strconv.FormatInt(activityHost, 10), "title": "春联义写" + strconv.Itoa(i), "theme": "culture",
				"kind": "service", "fields": "calligraphy", "day": "2023-02-01", "start": "09:00", "end": "11:00", "beneficiaries": "30",
				"participants": "12", "community_code": text}}
		},
		last: func(a *apptest.App) string {
			return lastCode(a, `SELECT community_code FROM activities ORDER BY id DESC LIMIT 1`)
		},
		count: "activities"},
	{name: "beneficiaries", page: "/beneficiaries", path: "/beneficiaries", field: "community_code", role: auth.DistrictOfficer, scope: tianhe,
		body: func(a *apptest.App, i int, text string) any {
			return form("name", "服务对象"+strconv.Itoa(i), "community_code", text)
		},
		last: func(a *apptest.App) string {
			return lastCode(a, `SELECT community_code FROM beneficiaries ORDER BY id DESC LIMIT 1`)
		},
		count: "beneficiaries", errPage: true},
	{name: "pilots", page: "/pilots", path: "/pilots", field: "community_code", role: auth.CityAdmin, scope: "4401",
		body: func(a *apptest.App, i int, text string) any {
			return form("designated_on", "2023-06-0"+strconv.Itoa(1+i%9), "note", "试点", "community_code", text)
		},
		last: func(a *apptest.App) string {
			return lastCode(a, `SELECT community_code FROM pilots ORDER BY id DESC LIMIT 1`)
		},
		count: "pilots", ok: ruralOK, bad: ruralBad, fresh: true},
	{name: "civic cases", page: "/cases", path: "/cases", field: "unit_code", role: auth.StreetOfficer, scope: wushan,
		body: func(a *apptest.App, i int, text string) any {
			return form("kind", "case", "title", "案例"+strconv.Itoa(i), "story", "一个社区治理的故事。", "unit_code", text)
		},
		last: func(a *apptest.App) string {
			return lastCode(a, `SELECT unit_code FROM cases ORDER BY id DESC LIMIT 1`)
		},
		count:  "cases",
		picker: "/api/v1/places/pick", errPage: true,
		ok: []placeCase{
			{"440106001001", "440106001001"},
			{"岳洲社区居委会", "440106001001"},
			{"岳洲社区居委会 #440106001001", "440106001001"},
			{"五山街道 · 岳洲社区居委会", "440106001001"},
			{"五山街道", wushan},
		},
		bad: []placeCase{
			{"社区", "岳洲社区居委会 #440106001001"}, // several in 五山
			{"天雅社区居委会", "天雅社区居委会"},          // 天河, outside 五山
			{"不存在的社区", "不存在的社区"},
		}},
}

// TestPlacePickerForms: each form that names a community takes its name,
// "街道 · 社区", "name #code" or the code, with the same result; a name two
// communities share, or none in the user's scope, is a field error listing
// the candidates and writes nothing.
func TestPlacePickerForms(t *testing.T) {
	for _, f := range placeForms {
		t.Run(f.name, func(t *testing.T) {
			ok, bad := f.ok, f.bad
			if ok == nil {
				ok, bad = urbanOK, urbanBad
			}
			open := func() (*apptest.App, *apptest.Client) {
				a := apptest.New(t)
				if f.setup != nil {
					f.setup(a)
				}
				return a, a.As(a.User(f.role, f.scope))
			}
			a, c := open()
			var items struct{ Items []pick.Item }
			c.Do("GET", "/api/v1/places/pick?level=community&q="+url.QueryEscape("天雅"), nil).Expect(http.StatusOK).Decode(&items)
			if f.scope == tianhe && (len(items.Items) != 2 || items.Items[0].Value != "天雅社区居委会 #440106003016" || items.Items[0].Place != "车陂街道") {
				t.Errorf("picks %+v, want the two 天雅 with their streets", items.Items)
			}
			page := c.Do("GET", f.page, nil)
			picker := f.picker
			if picker == "" {
				picker = "/api/v1/places/pick?level=community"
			}
			if !strings.Contains(page.String(), `data-pick="`+picker+`"`) {
				t.Errorf("%s has no place picker", f.page)
			}
			for i, tc := range ok {
				a, c := a, c
				if f.fresh && i > 0 {
					a, c = open()
				}
				r := c.Do("POST", f.path, f.body(a, i, tc.text))
				if r.Status != http.StatusSeeOther && r.Status != http.StatusFound {
					t.Fatalf("%q: %d %s", tc.text, r.Status, r.Body)
				}
				if got := f.last(a); got != tc.want {
					t.Errorf("%q wrote %q, want %q", tc.text, got, tc.want)
				}
			}
			before := a.Count(f.count)
			for i, tc := range bad {
				r := c.Do("POST", f.path, f.body(a, 10+i, tc.text))
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), tc.want) || !f.errPage && !strings.Contains(r.String(), `class="error"`) {
					t.Errorf("%q: %d, want 422 with a field error naming %s", tc.text, r.Status, tc.want)
				}
			}
			if got := a.Count(f.count); got != before {
				t.Errorf("a refused name wrote %d rows", got-before)
			}
		})
	}
}

// TestPartyWithinByName: the party page's "within" takes a place's name or
// its code with the same figures, shows the place by name, and answers a
// name several places share with a field error listing them.
func TestPartyWithinByName(t *testing.T) {
	a := apptest.New(t)
	c := a.As(a.User(auth.DistrictOfficer, tianhe))
	total := func(r *apptest.Response) string { return section(t, r, "party-total", "</p>") }
	byCode := c.Do("GET", "/party?within="+wushan, nil)
	byName := c.Do("GET", "/party?within="+url.QueryEscape("五山街道"), nil)
	if byCode.Status != 200 || byName.Status != 200 || total(byCode) != total(byName) || !strings.Contains(total(byName), "五山街道") {
		t.Errorf("by code %d %q, by name %d %q", byCode.Status, total(byCode), byName.Status, total(byName))
	}
	if !strings.Contains(byCode.String(), `value="五山街道 #440106001"`) || !strings.Contains(byCode.String(), `data-pick="/api/v1/places/pick"`) {
		t.Errorf("the filter does not show its place by name through the picker")
	}
	r := c.Do("GET", "/party?within="+url.QueryEscape("天雅社区居委会"), nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "440106016003") || !strings.Contains(r.String(), `class="error"`) {
		t.Errorf("an ambiguous name: %d", r.Status)
	}
}

// TestGradesWithinByName: the grades page's "within" is a place picker: a
// place's name or its code list the same grades (that place's, not its
// neighbours'), the field shows the place by name, and a name several
// places share is a field error listing them.
func TestGradesWithinByName(t *testing.T) {
	a := apptest.New(t)
	do := a.User(auth.DistrictOfficer, tianhe)
	svc := a.Evaluation
	for i, o := range []struct{ name, community string }{{"五山评级甲协会", wushanComm}, {"车陂评级乙协会", "440106003016"}} {
		in := apptest.OrgInput(o.name, o.community)
		f := "51440106MJ000888" + strconv.Itoa(i)
		in.Tier, in.Status, in.CreditCode = registry.TierRegistered, registry.StatusActive, f+string(registry.CreditCheckDigit(f))
		org := a.CreateOrg(do, in)
		if _, err := svc.AwardGrade(context.Background(), do, org.ID, evaluation.GradeInput{Grade: "4A", AwardedOn: "2023-06-01", Evaluator: "天河区评估委员会"}); err != nil {
			t.Fatal(err)
		}
	}
	c := a.As(do)
	table := func(r *apptest.Response) string { return section(t, r, "grades", "</table>") }
	byCode := c.Do("GET", "/grades?within="+wushan, nil)
	byName := c.Do("GET", "/grades?within="+url.QueryEscape("五山街道"), nil)
	if byCode.Status != 200 || byName.Status != 200 || table(byCode) != table(byName) ||
		!strings.Contains(table(byName), "五山评级甲协会") || strings.Contains(table(byName), "车陂评级乙协会") {
		t.Errorf("by code %d %q, by name %d %q", byCode.Status, table(byCode), byName.Status, table(byName))
	}
	if !strings.Contains(byCode.String(), `value="五山街道 #440106001"`) || !strings.Contains(byCode.String(), `data-pick="/api/v1/places/pick"`) {
		t.Errorf("the filter does not show its place by name through the picker")
	}
	if all := c.Do("GET", "/grades", nil); !strings.Contains(table(all), "车陂评级乙协会") {
		t.Errorf("no filter: the district's grades, got %q", table(all))
	}
	r := c.Do("GET", "/grades?within="+url.QueryEscape("天雅社区居委会"), nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "440106016003") || !strings.Contains(r.String(), `class="error"`) {
		t.Errorf("an ambiguous name: %d", r.Status)
	}
}

// section is the page from the element of that id to the first end after
// it; the test fails if the page has no such element.
func section(t *testing.T, r *apptest.Response, id, end string) string {
	t.Helper()
	s := r.String()
	i := strings.Index(s, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no %s: %d %s", id, r.Status, s)
	}
	return s[i : i+strings.Index(s[i:], end)]
}
