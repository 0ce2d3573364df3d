package hub

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

func TestHubRules(t *testing.T) {
	h := &registry.Org{ID: 50, CommunityCode: "440106008007", Hub: true}
	type want struct{ asks, seesServed, seesNot, manage, ownLine bool }
	for _, c := range []struct {
		name string
		u    auth.User
		want want
	}{
		{"city", auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}, want{false, true, true, true, false}},
		{"district", auth.User{Role: auth.DistrictOfficer, ScopeCode: "440106"}, want{false, true, true, true, false}},
		{"street", auth.User{Role: auth.StreetOfficer, ScopeCode: "440106008"}, want{false, true, true, true, false}},
		{"other street", auth.User{Role: auth.StreetOfficer, ScopeCode: "440106013"}, want{false, false, false, false, false}},
		{"committee", auth.User{Role: auth.CommunityCommittee, ScopeCode: "440106008007"}, want{false, true, true, false, false}},
		{"the hub's staff", auth.User{Role: auth.HubStaff, ScopeCode: "440106013", OrgID: 50}, want{false, true, true, true, false}},
		{"another hub's staff", auth.User{Role: auth.HubStaff, ScopeCode: "440106008", OrgID: 51}, want{false, false, false, false, false}},
		{"the hub's leader", auth.User{Role: auth.OrgLeader, ScopeCode: "440106008007", OrgID: 50}, want{false, true, true, false, true}},
		{"a served leader", auth.User{Role: auth.OrgLeader, ScopeCode: "440106008007", OrgID: 7}, want{true, true, false, false, true}},
		{"a leader without an organization", auth.User{Role: auth.OrgLeader, ScopeCode: "440106008007"}, want{false, false, false, false, true}},
		{"auditor", auth.User{Role: auth.Auditor, ScopeCode: "4401"}, want{false, true, true, false, false}},
		{"resident", auth.User{Role: auth.Resident, ScopeCode: "440106008007"}, want{false, true, true, false, false}},
	} {
		u := &c.u
		got := want{asksServed(u, h), seesHub(u, h, true), seesHub(u, h, false), canManage(u, h), seesOwnLineOnly(u)}
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		if got.manage && !got.seesNot {
			t.Errorf("%s: manages a hub it does not see", c.name)
		}
	}
}
