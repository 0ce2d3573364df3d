package auth

import "testing"

// Only an organization's leader and a hub's staff act for an organization.
func TestActsForOrg(t *testing.T) {
	for _, role := range Roles {
		want := role == OrgLeader || role == HubStaff
		if got := (&User{Role: role, OrgID: 7}).ActsForOrg(); got != want {
			t.Errorf("%s: ActsForOrg = %v", role, got)
		}
	}
	var none *User
	if none.ActsForOrg() {
		t.Error("no user acts for an organization")
	}
}
