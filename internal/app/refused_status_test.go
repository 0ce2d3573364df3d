package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
	"linli/internal/points"
)

// TestRefusedFormAnswersAsItsAPI: a page form refused for the same
// conflicting input as its JSON API answers with the same status (409),
// and shows the conflict beside its field; an invalid input is 422 on
// both. (web.Refill: the page at the status the API gives the error.)
func TestRefusedFormAnswersAsItsAPI(t *testing.T) {
	a := apptest.New(t)
	street := a.User(auth.StreetOfficer, wushan)
	org := a.ActiveOrg(street, "五山长者合唱团", wushanComm)
	district := a.As(a.User(auth.DistrictOfficer, tianhe))

	form := func(year string) url.Values {
		return url.Values{"kind": {"point"}, "district_code": {tianhe}, "year": {year}, "org_id": {itoa64(org.ID)}, "reason": {"长者服务示范"}}
	}
	body := func(year int) points.Input {
		return points.Input{Kind: "point", DistrictCode: tianhe, Year: year, OrgID: org.ID, Reason: "长者服务示范"}
	}
	if r := district.Do("POST", "/demonstration-points", form("2023")); r.Status != http.StatusSeeOther {
		t.Fatalf("the first point: %d %s", r.Status, r.Body)
	}

	// the same point again: a conflict, on the page and through the API
	page := district.Do("POST", "/demonstration-points", form("2023"))
	api := district.Do("POST", "/api/v1/demonstration-points", body(2023))
	if api.Status != http.StatusConflict || api.Error().Code != "conflict" {
		t.Fatalf("the API on the same point twice: %d %s", api.Status, api.Body)
	}
	if page.Status != api.Status {
		t.Errorf("the page form on the same point twice: %d, its API %d", page.Status, api.Status)
	}
	if !page.IsHTML() || !strings.Contains(page.String(), "该组织或社区本年度已是示范点。") || !strings.Contains(page.String(), "长者服务示范") {
		t.Errorf("the page form does not show the conflict beside what was typed: %s", page.Body)
	}

	// an invalid input: 422 on both
	page = district.Do("POST", "/demonstration-points", form("2019"))
	api = district.Do("POST", "/api/v1/demonstration-points", body(2019))
	if api.Status != http.StatusUnprocessableEntity || page.Status != api.Status {
		t.Errorf("a year before the plan: page %d, API %d, want 422 on both", page.Status, api.Status)
	}
	if n := a.Count("demonstration_points"); n != 1 {
		t.Errorf("%d points written, want 1", n)
	}
}

// TestPointCancelPage: a point's cancellation on its page is refused
// without a reason (the page again, 422), made with one (303 to the list
// with its flash), and refused as a conflict once made (409).
func TestPointCancelPage(t *testing.T) {
	a := apptest.New(t)
	in := apptest.OrgInput("五山长者合唱团", wushanComm)
	in.Status = "active"
	org := a.CreateOrg(a.User(auth.StreetOfficer, wushan), in)
	district := a.As(a.User(auth.DistrictOfficer, tianhe))
	if r := district.Do("POST", "/demonstration-points", url.Values{"kind": {"point"}, "district_code": {tianhe}, "year": {"2023"},
		"org_id": {itoa64(org.ID)}, "reason": {"长者服务示范"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("the point: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []points.Point `json:"items"`
	}
	district.Do("GET", "/api/v1/demonstration-points", nil).Decode(&list)
	if len(list.Items) != 1 {
		t.Fatalf("points %+v", list)
	}
	path := "/demonstration-points/" + itoa64(list.Items[0].ID) + "/cancel"
	if r := district.Do("POST", path, url.Values{}); r.Status != http.StatusUnprocessableEntity || !r.IsHTML() {
		t.Fatalf("without a reason: %d %s", r.Status, r.Body)
	}
	r := district.Do("POST", path, url.Values{"reason": {"认定有误"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/demonstration-points?flash=points.cancelled" {
		t.Fatalf("cancel: %d %q", r.Status, r.Header.Get("Location"))
	}
	if r := district.Do("POST", path, url.Values{"reason": {"again"}}); r.Status != http.StatusConflict || !r.IsHTML() {
		t.Fatalf("cancel twice: %d", r.Status)
	}
}

// TestResidentSignupPage: the page sign-up sets the new resident's
// session with its redirect home; a refused one shows the form again
// (422) and sets no session.
func TestResidentSignupPage(t *testing.T) {
	a := apptest.New(t)
	r := a.Anon().Do("POST", "/residents/signup", url.Values{"username": {"resident-page"}, "password": {apptest.Password},
		"community_code": {wushanComm}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/resident?flash=civic.welcome" {
		t.Fatalf("sign up: %d %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	if c := setCookie(t, r, web.SessionCookie); c.Value == "" {
		t.Fatal("no session")
	}
	r = a.Anon().Do("POST", "/residents/signup", url.Values{"username": {"resident-page"}, "password": {apptest.Password},
		"community_code": {wushanComm}})
	if r.Status != http.StatusConflict && r.Status != http.StatusUnprocessableEntity || !r.IsHTML() ||
		strings.Contains(r.Header.Get("Set-Cookie"), web.SessionCookie) {
		t.Fatalf("the same name again: %d %v", r.Status, r.Header)
	}
}

// TestOrgEditPage: an organization's form is shown to who manages it; one
// who sees it without managing it (the auditor) is refused (403), one who
// does not see it is told it is not found.
func TestOrgEditPage(t *testing.T) {
	a := apptest.New(t)
	street := a.User(auth.StreetOfficer, wushan)
	org := a.CreateOrg(street, apptest.OrgInput("五山读书会", wushanComm))
	path := "/orgs/" + itoa64(org.ID) + "/edit"
	if r := a.As(street).Do("GET", path, nil); r.Status != http.StatusOK || !strings.Contains(r.String(), "五山读书会") {
		t.Fatalf("manager: %d", r.Status)
	}
	if r := a.As(a.User(auth.Auditor, "4401")).Do("GET", path, nil); r.Status != http.StatusForbidden {
		t.Fatalf("auditor: %d", r.Status)
	}
	if r := a.As(a.User(auth.StreetOfficer, "440106002")).Do("GET", path, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another street: %d", r.Status)
	}
}
