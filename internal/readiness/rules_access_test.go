package readiness

import (
	"testing"

	"linli/internal/platform/auth"
)

// Who keeps and who reads readiness, for every role, in and out of its
// subtree; the page's forms (keeper) show exactly to those the service lets
// keep a community of their subtree (canKeep).
func TestAccessRules(t *testing.T) {
	scopes := map[string]string{auth.CityAdmin: "4401", auth.DistrictOfficer: "440106", auth.StreetOfficer: "440106001",
		auth.CommunityCommittee: "440106001001", auth.HubStaff: "440106001", auth.OrgLeader: "440106001001",
		auth.Auditor: "4401", auth.SecurityAdmin: "4401", auth.Resident: "440106001001"}
	keeps := map[string]bool{auth.CityAdmin: true, auth.DistrictOfficer: true, auth.StreetOfficer: true, auth.CommunityCommittee: true}
	blind := map[string]bool{auth.OrgLeader: true, auth.HubStaff: true}
	for _, r := range auth.Roles {
		u := &auth.User{Role: r, ScopeCode: scopes[r]}
		if got := keeper(u); got != keeps[r] {
			t.Errorf("%s: keeper = %v", r, got)
		}
		if got := canKeep(u, "440106001001"); got != keeper(u) {
			t.Errorf("%s: canKeep in its subtree = %v, the page's forms %v", r, got, keeper(u))
		}
		if canKeep(u, "440304001001") {
			t.Errorf("%s keeps a community outside its subtree", r)
		}
		if got := readsReadiness(u); got == blind[r] {
			t.Errorf("%s: readsReadiness = %v", r, got)
		}
	}
	if keeper(nil) || canKeep(nil, "440106001001") || readsReadiness(nil) {
		t.Error("no account may do anything")
	}
}
