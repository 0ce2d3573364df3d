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
