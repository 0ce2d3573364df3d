package kpi

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
)

// Who sees, manages and sets indicators and designates pilots, for every
// role: the city for any division of the city, a district officer for its
// own district only. The indicator page's edit link calls setsFor, which
// Update enforces.
func TestAccessRules(t *testing.T) {
	type want struct{ manages, designates, city, district, otherDistrict, seesCity, seesDistrict bool }
	wants := map[string]want{
		auth.CityAdmin:          {true, true, true, true, true, true, true},
		auth.DistrictOfficer:    {true, true, false, true, false, true, true},
		auth.StreetOfficer:      {seesCity: true, seesDistrict: true},
		auth.CommunityCommittee: {seesCity: true, seesDistrict: true},
		auth.HubStaff:           {seesCity: true, seesDistrict: true},
		auth.OrgLeader:          {seesCity: true, seesDistrict: true},
		auth.Auditor:            {seesCity: true, seesDistrict: true},
		auth.SecurityAdmin:      {seesCity: true, seesDistrict: true},
		auth.Resident:           {seesCity: true, seesDistrict: true},
	}
	for _, u := range authtest.Every(0) {
		r := u.Role
		got := want{CanManage(u), CanDesignate(u), setsFor(u, "4401"), setsFor(u, "440106"), setsFor(u, "440104"),
			seesIndicator(u, &Indicator{ScopeCode: "4401"}), seesIndicator(u, &Indicator{ScopeCode: "440106"})}
		if got != wants[r] {
			t.Errorf("%s:\n got %+v\nwant %+v", r, got, wants[r])
		}
		if setsFor(u, "4403") || setsFor(u, "440304") || seesIndicator(u, &Indicator{ScopeCode: "440304"}) {
			t.Errorf("%s reaches another city", r)
		}
	}
	if CanManage(nil) || CanDesignate(nil) || setsFor(nil, "4401") || seesIndicator(nil, &Indicator{ScopeCode: "4401"}) {
		t.Error("no account may do anything")
	}
}
