package registry

import (
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// roleCases are one user of each role, scoped over community yulei, plus
// the edge cases the rules in access.go single out.
func roleCases() []struct {
	name string
	u    *auth.User
} {
	const community = "440106008007"
	return []struct {
		name string
		u    *auth.User
	}{
		{"city", &auth.User{ID: 1, Role: auth.CityAdmin, ScopeCode: "4401"}},
		{"district", &auth.User{ID: 2, Role: auth.DistrictOfficer, ScopeCode: "440106"}},
		{"street", &auth.User{ID: 3, Role: auth.StreetOfficer, ScopeCode: "440106008"}},
		{"other street", &auth.User{ID: 4, Role: auth.StreetOfficer, ScopeCode: "440106013"}},
		{"committee", &auth.User{ID: 5, Role: auth.CommunityCommittee, ScopeCode: community}},
		{"hub staff", &auth.User{ID: 6, Role: auth.HubStaff, ScopeCode: "440106008", OrgID: 50}},
		{"leader", &auth.User{ID: 7, Role: auth.OrgLeader, ScopeCode: community, OrgID: 9}},
		{"other leader", &auth.User{ID: 8, Role: auth.OrgLeader, ScopeCode: community, OrgID: 10}},
		{"leader without an organization", &auth.User{ID: 9, Role: auth.OrgLeader, ScopeCode: community}},
		{"auditor", &auth.User{ID: 10, Role: auth.Auditor, ScopeCode: "4401"}},
		{"resident", &auth.User{ID: 11, Role: auth.Resident, ScopeCode: community}},
		{"security admin", &auth.User{ID: 12, Role: auth.SecurityAdmin, ScopeCode: "4401"}},
	}
}

func TestAccessRules(t *testing.T) {
	o := &Org{ID: 9, CommunityCode: "440106008007", Status: StatusActive, Tier: TierStreet}
	gone := *o
	gone.Status = StatusDeregistered
	type want struct{ files, first, activates, writes, edits, editsGone, imports, designates bool }
	wants := map[string]want{
		"city":                           {true, false, true, true, true, false, true, true},
		"district":                       {true, false, true, true, true, false, true, true},
		"street":                         {true, false, true, true, true, false, true, true},
		"other street":                   {true, false, true, false, false, false, true, true},
		"committee":                      {true, false, true, true, true, false, true, false},
		"hub staff":                      {false, false, false, false, false, false, false, false},
		"leader":                         {false, false, false, true, true, false, false, false},
		"other leader":                   {false, false, false, false, false, false, false, false},
		"leader without an organization": {true, true, false, false, false, false, false, false},
		"auditor":                        {false, false, false, false, false, false, false, false},
		"resident":                       {true, false, false, false, false, false, false, false},
		"security admin":                 {true, false, false, false, false, false, false, false},
	}
	for _, c := range roleCases() {
		u := c.u
		got := want{files(u), filesFirst(u), activates(u), writes(u, o), edits(u, o), edits(u, &gone), Imports(u), DesignatesHubs(u)}
		if got != wants[c.name] {
			t.Errorf("%s: got %+v, want %+v", c.name, got, wants[c.name])
		}
	}
}

// TestPlansAskTheRules: what the pages offer by these rules (a new
// organization, the edit link, the hub designation) is what the plans
// accept, role by role.
func TestPlansAskTheRules(t *testing.T) {
	now := time.Date(2023, 6, 15, 2, 0, 0, 0, time.UTC)
	o := &Org{ID: 9, CommunityCode: "440106008007", Status: StatusActive, Tier: TierStreet, Version: 1}
	forbidden := func(err error) bool { return errs.Is(err, errs.Forbidden) }
	for _, c := range roleCases() {
		u := c.u
		if _, _, err := planCreate(u, Input{}, now, lookups{}); forbidden(err) == files(u) {
			t.Errorf("%s: planCreate refuses %v, files %v", c.name, err, files(u))
		}
		if !visible(u, o) {
			continue
		}
		if _, _, err := planUpdate(u, o, InputOf(o), now, lookups{}); forbidden(err) == edits(u, o) {
			t.Errorf("%s: planUpdate refuses %v, edits %v", c.name, err, edits(u, o))
		}
		may := DesignatesHubs(u) && u.InScope(o.CommunityCode)
		if _, _, err := planHub(u, o, true, "", now, lookups{}); forbidden(err) == may {
			t.Errorf("%s: planHub refuses %v, designates %v", c.name, err, may)
		}
	}
}
