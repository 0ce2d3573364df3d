package portal

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/registry"
)

// Who keeps an organization's publication settings, for every role: its own
// leader and its community's committee, nobody else.
func TestKeepsSettings(t *testing.T) {
	o := &registry.Org{ID: 7, CommunityCode: authtest.Community}
	keeps := map[string]bool{auth.OrgLeader: true, auth.CommunityCommittee: true}
	for _, u := range authtest.Every(7) {
		r := u.Role
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
