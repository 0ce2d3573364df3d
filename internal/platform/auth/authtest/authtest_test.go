package authtest

import (
	"testing"

	"linli/internal/platform/auth"
)

// Every account is of its role, fits the role's scope level and holds
// Community, not Outside.
func TestEvery(t *testing.T) {
	us := Every(7)
	if len(us) != len(auth.Roles) {
		t.Fatalf("%d accounts for %d roles", len(us), len(auth.Roles))
	}
	for i, u := range us {
		if u.Role != auth.Roles[i] || u.OrgID != 7 || !auth.ScopeFits(u.Role, u.ScopeCode) {
			t.Errorf("account %d: %+v", i, u)
		}
		if !u.InScope(Community) || u.InScope(Outside) {
			t.Errorf("%s: scope %s does not hold %s alone", u.Role, u.ScopeCode, Community)
		}
	}
}
