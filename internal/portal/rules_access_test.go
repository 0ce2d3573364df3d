package portal

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Who keeps an organization's publication settings, for every role: its own
// leader and its community's committee, nobody else.
func TestKeepsSettings(t *testing.T) {
	o := &registry.Org{ID: 7, CommunityCode: "440106001001"}
	scopes := map[string]string{auth.CityAdmin: "4401", auth.DistrictOfficer: "440106", auth.StreetOfficer: "440106001",
		auth.CommunityCommittee: "440106001001", auth.HubStaff: "440106001", auth.OrgLeader: "440106001001",
		auth.Auditor: "4401", auth.SecurityAdmin: "4401", auth.Resident: "440106001001"}
	keeps := map[string]bool{auth.OrgLeader: true, auth.CommunityCommittee: true}
	for _, r := range auth.Roles {
		u := &auth.User{Role: r, ScopeCode: scopes[r], OrgID: 7}
		if got := keepsSettings(u, o); got != keeps[r] {
			t.Errorf("%s: keepsSettings = %v", r, got)
		}
		if keepsSettings(&auth.User{Role: r, ScopeCode: "440106001002", OrgID: 8}, o) {
			t.Errorf("%s of another organization and community keeps the settings", r)
		}
	}
	if keepsSettings(nil, o) {
		t.Error("no account keeps settings")
	}
}
