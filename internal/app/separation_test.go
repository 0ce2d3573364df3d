package app_test

import (
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// TestSeparationOfDuties (issue 18, 三员分立): accounts are managed by the
// security administrators only — the city's, or a district's for its
// district — who see no business data; the district officer and the city
// administrator, who handle the data, manage no account; no account can
// give itself a role; the auditor reads the security administrators'
// actions in the log.
func TestSeparationOfDuties(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, wushan)
	a.CreateOrg(officer, apptest.OrgInput("分立检测舞蹈队", wushanComm))
	district := a.User(auth.DistrictOfficer, tianhe)
	cityAdmin := a.User(auth.CityAdmin, "4401")
	citySec := a.User(auth.SecurityAdmin, "4401")
	tianheSec := a.CreateUser("tianhe-security", auth.SecurityAdmin, tianhe, 0)
	haizhuSec := a.CreateUser("haizhu-security", auth.SecurityAdmin, haizhu, 0)
	newStreet := func(name, scope string) auth.NewUser {
		return auth.NewUser{Username: name, DisplayName: name, Role: auth.StreetOfficer, ScopeCode: scope, Password: "long-enough-1"}
	}

	// the business roles manage no account
	for _, u := range []*auth.User{district, cityAdmin} {
		c := a.As(u)
		if r := c.Do("POST", "/api/v1/users", newStreet("by-"+u.Username, wushan)); r.Status != 403 {
			t.Errorf("%s creates an account: %d %s", u.Role, r.Status, r.Body)
		}
		if r := c.Do("GET", "/api/v1/users", nil); r.Status != 403 {
			t.Errorf("%s lists accounts: %d", u.Role, r.Status)
		}
		if r := c.Do("PATCH", "/api/v1/users/"+strconv.FormatInt(officer.ID, 10), map[string]any{"password": "taken-over-1"}); r.Status != 404 {
			t.Errorf("%s resets a password: %d", u.Role, r.Status)
		}
		if r := c.Do("DELETE", "/api/v1/users/"+strconv.FormatInt(officer.ID, 10)+"/totp", nil); r.Status != 403 {
			t.Errorf("%s resets a second factor: %d", u.Role, r.Status)
		}
	}

	// 天河's security administrator manages 天河's accounts and sees no
	// business data
	ts := a.As(tianheSec)
	if r := ts.Do("POST", "/api/v1/users", newStreet("wushan-new", wushan)); r.Status != 201 {
		t.Errorf("the district security administrator creates in its district: %d %s", r.Status, r.Body)
	}
	if r := ts.Do("PATCH", "/api/v1/users/"+strconv.FormatInt(officer.ID, 10), map[string]any{"disabled": true}); r.Status != 200 {
		t.Errorf("the district security administrator disables in its district: %d %s", r.Status, r.Body)
	}
	for _, p := range []string{"/api/v1/orgs", "/api/v1/orgs?q=舞蹈", "/api/v1/audit"} {
		if r := ts.Do("GET", p, nil); r.Status != 403 {
			t.Errorf("the district security administrator GET %s: %d", p, r.Status)
		}
	}
	// ... and nothing of 海珠, nor the city-wide roles, nor security
	// administrators
	hs := a.As(haizhuSec)
	if r := hs.Do("POST", "/api/v1/users", newStreet("intruder", wushan)); r.Status != 422 || r.Error().Fields["scope_code"] == "" {
		t.Errorf("海珠's security administrator creates in 天河: %d %s", r.Status, r.Body)
	}
	if r := hs.Do("PATCH", "/api/v1/users/"+strconv.FormatInt(officer.ID, 10), map[string]any{"disabled": false}); r.Status != 404 {
		t.Errorf("海珠's security administrator changes a 天河 account: %d", r.Status)
	}
	var list struct{ Items []auth.User }
	hs.Do("GET", "/api/v1/users", nil).Decode(&list)
	for _, u := range list.Items {
		if !strings.HasPrefix(u.ScopeCode, haizhu) {
			t.Errorf("海珠's security administrator lists %s (%s)", u.Username, u.ScopeCode)
		}
	}
	for _, in := range []auth.NewUser{
		{Username: "sec-made-sec", Role: auth.SecurityAdmin, ScopeCode: tianhe, Password: "long-enough-1"},
		{Username: "sec-made-city", Role: auth.CityAdmin, ScopeCode: "4401", Password: "long-enough-1"},
	} {
		if r := ts.Do("POST", "/api/v1/users", in); r.Status != 422 {
			t.Errorf("the district security administrator makes a %s: %d %s", in.Role, r.Status, r.Body)
		}
	}

	// no account gives itself a role: there is no field for it
	for _, u := range []*auth.User{citySec, tianheSec, district} {
		r := a.As(u).Do("PATCH", "/api/v1/users/"+strconv.FormatInt(u.ID, 10), map[string]any{"role": auth.CityAdmin, "scope_code": "44"})
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s PATCHes its own role: %d %s", u.Username, r.Status, r.Body)
		}
		var role, scope string
		a.DB.Read.QueryRow(`SELECT role, scope_code FROM users WHERE id = $1`, u.ID).Scan(&role, &scope)
		if role != u.Role || scope != u.ScopeCode {
			t.Errorf("%s is now %s at %s", u.Username, role, scope)
		}
	}

	// the auditor reads the security administrators' actions
	var log struct {
		Items []struct {
			Username string `json:"username"`
			Action   string `json:"action"`
		}
	}
	a.As(a.User(auth.Auditor, "4401")).Do("GET", "/api/v1/audit?limit=500", nil).Decode(&log)
	seen := map[string]bool{}
	for _, e := range log.Items {
		seen[e.Username+" "+e.Action] = true
	}
	for _, want := range []string{"tianhe-security user.create", "tianhe-security user.set_disabled"} {
		if !seen[want] {
			t.Errorf("the auditor does not read %q", want)
		}
	}
}
