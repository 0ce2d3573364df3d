package auth

import "testing"

// Every role, and no account, answers each group as its doc says.
func TestRoleGroups(t *testing.T) {
	districtOrCity := map[string]bool{CityAdmin: true, DistrictOfficer: true}
	oneOrg := map[string]bool{OrgLeader: true, HubStaff: true}
	for _, r := range Roles {
		u := &User{Role: r}
		if got := u.DistrictOrCity(); got != districtOrCity[r] {
			t.Errorf("%s: DistrictOrCity = %v", r, got)
		}
		if got := u.ActsForOneOrg(); got != oneOrg[r] {
			t.Errorf("%s: ActsForOneOrg = %v", r, got)
		}
	}
	var none *User
	if none.DistrictOrCity() || none.ActsForOneOrg() {
		t.Error("no account belongs to a group")
	}
}
