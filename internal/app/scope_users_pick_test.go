package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/pick"
)

// The create-account form's pickers in the scope walk: officers are not
// account administrators.
func init() {
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /api/v1/users/places", path: "/api/v1/users/places?q=" + url.QueryEscape("五山"), want: 403},
		scopeCase{pattern: "GET /api/v1/users/orgs", path: "/api/v1/users/orgs?q=" + url.QueryEscape("舞蹈"), want: 403},
	)
}

// TestCreateAccountByName: the security administrator names the new
// account's place and organization, not their codes. The pickers offer
// only what lies in the administrator's own district; a typed name creates
// the account without script; a place name several places share is a
// field error listing them.
func TestCreateAccountByName(t *testing.T) {
	a := apptest.New(t)
	street := a.User(auth.StreetOfficer, wushan)
	org := a.ActiveOrg(street, "五山睦邻读书会", wushanComm)
	a.CreateOrg(a.User(auth.StreetOfficer, "440105001"), apptest.OrgInput("海珠睦邻读书会", haizhuComm))
	th := a.As(a.CreateUser("tianhe-sec-pick", auth.SecurityAdmin, tianhe, 0))
	hz := a.As(a.CreateUser("haizhu-sec-pick", auth.SecurityAdmin, haizhu, 0))
	items := func(c *apptest.Client, path string) []pick.Item {
		var out struct{ Items []pick.Item }
		c.Do("GET", path, nil).Expect(http.StatusOK).Decode(&out)
		return out.Items
	}
	if got := items(th, "/api/v1/users/places?q="+url.QueryEscape("五山")); len(got) == 0 || got[0].Value != "五山街道 #"+wushan {
		t.Errorf("天河 picks %+v, want 五山街道 first", got)
	}
	if got := items(hz, "/api/v1/users/places?q="+url.QueryEscape("五山")); len(got) != 0 {
		t.Errorf("海珠 picks 天河's places: %+v", got)
	}
	if got := items(th, "/api/v1/users/orgs?q="+url.QueryEscape("读书会")); len(got) != 1 || got[0].ID != org.ID {
		t.Errorf("天河 picks organizations %+v, want its own only", got)
	}
	page := th.Do("GET", "/users/new", nil)
	if !strings.Contains(page.String(), `value="天河区 #440106"`) || !strings.Contains(page.String(), `data-pick="/api/v1/users/orgs"`) {
		t.Errorf("the form does not show its place by name or lacks the organization picker")
	}
	create := func(username, role, scope, orgText string) *apptest.Response {
		return th.Do("POST", "/users", url.Values{"username": {username}, "role": {role}, "scope_code": {scope},
			"org_id": {orgText}, "password": {"long-enough-1"}})
	}
	if r := create("ws-street-clerk", auth.StreetOfficer, "五山街道", ""); r.Status != http.StatusSeeOther {
		t.Fatalf("street account by place name: %d %s", r.Status, r.Body)
	}
	if r := create("ws-leader", auth.OrgLeader, "岳洲社区居委会", "五山睦邻读书会"); r.Status != http.StatusSeeOther {
		t.Fatalf("leader account by organization name: %d %s", r.Status, r.Body)
	}
	if r := create("ws-amb", auth.StreetOfficer, "社区", ""); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "对应多个地方") {
		t.Errorf("an ambiguous place: %d", r.Status)
	}
	if r := create("ws-far", auth.OrgLeader, "岳洲社区居委会", "海珠睦邻读书会"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), "找不到") {
		t.Errorf("an organization of another district: %d", r.Status)
	}
	var scope string
	var orgID int64
	if err := a.DB.Read.QueryRow(`SELECT scope_code, COALESCE(org_id, 0) FROM users WHERE username = 'ws-leader'`).Scan(&scope, &orgID); err != nil ||
		scope != wushanComm || orgID != org.ID {
		t.Errorf("leader account: scope %s org %d %v, want %s %d", scope, orgID, err, wushanComm, org.ID)
	}
}
