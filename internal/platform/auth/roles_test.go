package auth

import "testing"

// Every role, and no account, answers each group as its doc says.
func TestRoleGroups(t *testing.T) {
	districtOrCity := map[string]bool{CityAdmin: true, DistrictOfficer: true}
	oneOrg := map[string]bool{OrgLeader: true, HubStaff: true}
	ownOrg := map[string]bool{OrgLeader: true}
	for _, r := range Roles {
		u := &User{Role: r}
		if got := u.DistrictOrCity(); got != districtOrCity[r] {
			t.Errorf("%s: DistrictOrCity = %v", r, got)
		}
		if got := u.ActsForOneOrg(); got != oneOrg[r] {
			t.Errorf("%s: ActsForOneOrg = %v", r, got)
		}
		if got := u.OwnOrgOnly(); got != ownOrg[r] {
			t.Errorf("%s: OwnOrgOnly = %v", r, got)
		}
	}
	var none *User
	if none.DistrictOrCity() || none.ActsForOneOrg() || none.OwnOrgOnly() || none.OfficerIn("440106") {
		t.Error("no account belongs to a group")
	}
}

// OfficerIn: the four officer roles, in their subtree only.
func TestOfficerIn(t *testing.T) {
	officer := map[string]bool{CityAdmin: true, DistrictOfficer: true, StreetOfficer: true, CommunityCommittee: true}
	scope := map[string]string{CityAdmin: "4401", DistrictOfficer: "440106", StreetOfficer: "440106001",
		CommunityCommittee: "440106001001", HubStaff: "440106001", OrgLeader: "440106001001", Auditor: "4401",
		SecurityAdmin: "4401", Resident: "440106001001"}
	for _, r := range Roles {
		u := &User{Role: r, ScopeCode: scope[r]}
		if got := u.OfficerIn("440106001001"); got != officer[r] {
			t.Errorf("%s in its subtree: OfficerIn = %v", r, got)
		}
		if u.OfficerIn("440304001001") {
			t.Errorf("%s outside its subtree: OfficerIn", r)
		}
	}
}
