package auth

import "testing"

func TestOfficerLevels(t *testing.T) {
	street := map[string]bool{StreetOfficer: true, DistrictOfficer: true, CityAdmin: true}
	district := map[string]bool{DistrictOfficer: true, CityAdmin: true}
	for _, r := range Roles {
		u := &User{Role: r, ScopeCode: "440106"}
		if got := u.IsStreetOrAbove(); got != street[r] {
			t.Errorf("%s: IsStreetOrAbove = %v", r, got)
		}
		if got := u.IsDistrictOrAbove(); got != district[r] {
			t.Errorf("%s: IsDistrictOrAbove = %v", r, got)
		}
		if (u.IsStreetOrAbove() || u.IsDistrictOrAbove()) && (u.ReadOnly() || !u.IsOfficer()) {
			t.Errorf("%s: an officer level that is read-only or not an officer", r)
		}
	}
	var none *User
	if none.IsStreetOrAbove() || none.IsDistrictOrAbove() {
		t.Error("no user is an officer")
	}
}

// OwnOrgOnly is the leader alone; OfficerIn the four officer roles, in
// their subtree only; no account is either.
func TestOwnOrgOnlyAndOfficerIn(t *testing.T) {
	officer := map[string]bool{CityAdmin: true, DistrictOfficer: true, StreetOfficer: true, CommunityCommittee: true}
	scope := map[string]string{CityAdmin: "4401", DistrictOfficer: "440106", StreetOfficer: "440106001",
		CommunityCommittee: "440106001001", HubStaff: "440106001", OrgLeader: "440106001001", Auditor: "4401",
		SecurityAdmin: "4401", Resident: "440106001001"}
	for _, r := range Roles {
		u := &User{Role: r, ScopeCode: scope[r], OrgID: 7}
		if got := u.OwnOrgOnly(); got != (r == OrgLeader) {
			t.Errorf("%s: OwnOrgOnly = %v", r, got)
		}
		if got := u.OfficerIn("440106001001"); got != officer[r] {
			t.Errorf("%s in its subtree: OfficerIn = %v", r, got)
		}
		if u.OfficerIn("440304001001") {
			t.Errorf("%s outside its subtree: OfficerIn", r)
		}
	}
	var none *User
	if none.OwnOrgOnly() || none.OfficerIn("440106") {
		t.Error("no account is a leader or an officer")
	}
}

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
