package kpi

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/platform/errs"
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

// TestIndicatorScopeRule: the unit an indicator is set for is judged by
// the unit rule every room shares (geo.Unit), in its order, each refusal
// on scope_code: no such division (even outside the officer's district,
// which said "outside your scope" before), then a division that is not a
// city or a district, then one the user does not set indicators for.
func TestIndicatorScopeRule(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		u         *auth.User
		code, key string
	}{
		{w.tianhe, "440199", "err.unknown_division"},
		{w.city, "440199", "err.unknown_division"},
		{w.city, tianheCode + "001", "kpi.err.scope_level"},
		{w.tianhe, conghuaCode, "err.outside_scope"},
		{w.tianhe, cityCode, "err.outside_scope"},
	} {
		_, err := w.kpi.Create(w.ctx, c.u, Input{Key: "all_orgs", NameZH: "组织数", Level: LevelDistrict, ScopeCode: c.code,
			Rule: Rule{Kind: KindCount, Source: SourceOrgs}, Target: 1, Deadline: "2023-12-31"})
		e, _ := errs.As(err)
		if e == nil || e.Fields["scope_code"].Key != c.key {
			t.Errorf("%s sets %s: %v, want scope_code %s", c.u.Username, c.code, err, c.key)
		}
	}
}
