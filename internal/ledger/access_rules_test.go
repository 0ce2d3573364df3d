package ledger

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

func TestAccessRules(t *testing.T) {
	hub := &registry.Org{ID: 50, CommunityCode: "440106008007", Hub: true}
	org := &registry.Org{ID: 7, CommunityCode: "440106008007"}
	held := &custody{Org: org, HubID: 50}
	own := &custody{Org: hub, HubID: 50, Own: true}
	theirs := &Expense{HubID: 50, SubmittedBy: 99}
	type want struct{ view, books, grant, record, submit, submitOwn, decide bool }
	for _, c := range []struct {
		name string
		u    auth.User
		want want
	}{
		{"city", auth.User{ID: 1, Role: auth.CityAdmin, ScopeCode: "4401"}, want{true, true, true, false, false, false, false}},
		{"street", auth.User{ID: 2, Role: auth.StreetOfficer, ScopeCode: "440106008"}, want{true, true, true, false, false, false, false}},
		{"other street", auth.User{ID: 3, Role: auth.StreetOfficer, ScopeCode: "440106013"}, want{false, false, true, false, false, false, false}},
		{"committee", auth.User{ID: 4, Role: auth.CommunityCommittee, ScopeCode: "440106008007"}, want{true, true, true, false, false, false, false}},
		{"the hub's staff", auth.User{ID: 5, Role: auth.HubStaff, ScopeCode: "440106008", OrgID: 50}, want{true, true, true, true, true, true, true}},
		{"another hub's staff", auth.User{ID: 6, Role: auth.HubStaff, ScopeCode: "440106008", OrgID: 51}, want{false, false, true, false, false, false, false}},
		{"staff without a hub", auth.User{ID: 7, Role: auth.HubStaff, ScopeCode: "440106008"}, want{false, false, true, false, false, false, false}},
		{"the organization's leader", auth.User{ID: 8, Role: auth.OrgLeader, ScopeCode: "440106008007", OrgID: 7}, want{true, false, true, false, true, false, false}},
		{"the hub's leader", auth.User{ID: 9, Role: auth.OrgLeader, ScopeCode: "440106008007", OrgID: 50}, want{false, false, true, false, false, false, false}},
		{"auditor", auth.User{ID: 10, Role: auth.Auditor, ScopeCode: "4401"}, want{true, true, false, false, false, false, false}},
	} {
		u := &c.u
		got := want{canView(u, org, 50), ReadsHubBooks(u, hub), canGrant(u), canRecord(u, 50), canSubmit(u, held), canSubmit(u, own), canDecide(u, theirs)}
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	staff := &auth.User{ID: 99, Role: auth.HubStaff, OrgID: 50}
	if canDecide(staff, theirs) {
		t.Error("the hub's staff decide on an expense they submitted")
	}
	if ReadsHubBooks(nil, hub) {
		t.Error("no user reads a hub's books")
	}
}
