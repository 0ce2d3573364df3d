package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
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
