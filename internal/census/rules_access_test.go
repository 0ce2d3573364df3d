package census

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Who imports, opens, closes, submits into and sees a district's rounds,
// for every role.
func TestWhoRunsTheCensus(t *testing.T) {
	open := &Round{DistrictCode: "440106", Status: RoundOpen}
	closed := &Round{DistrictCode: "440106", Status: RoundClosed}
	for _, c := range []struct {
		role, scope                         string
		imports, opens, runs, submits, sees bool
	}{
		{auth.CityAdmin, "4401", true, false, false, false, true},
		{auth.DistrictOfficer, "440106", true, true, true, false, true},
		{auth.DistrictOfficer, "440105", true, true, false, false, false}, // opens its own district's, not this one
		{auth.StreetOfficer, "440106001", true, false, false, true, true},
		{auth.StreetOfficer, "440105001", true, false, false, false, false},
		{auth.CommunityCommittee, "440106001001", true, false, false, false, true},
		{auth.HubStaff, "440106001", false, false, false, false, true},
		{auth.OrgLeader, "440106001001", false, false, false, false, true},
		{auth.Auditor, "4401", false, false, false, false, true},
		{auth.Resident, "440106001001", false, false, false, false, true},
		{auth.SecurityAdmin, "4401", false, false, false, false, true},
	} {
		u := &auth.User{ID: 1, Role: c.role, ScopeCode: c.scope}
		name := c.role + "@" + c.scope
		if got := registry.Imports(u); got != c.imports {
			t.Errorf("%s: registry.Imports = %v", name, got)
		}
		if got := canOpenRound(u); got != c.opens {
			t.Errorf("%s: canOpenRound = %v", name, got)
		}
		if got := canRun(u, open.DistrictCode); got != c.runs {
			t.Errorf("%s: canRun = %v", name, got)
		}
		if got := CanClose(u, open); got != c.runs {
			t.Errorf("%s: CanClose(open) = %v", name, got)
		}
		if got := submitsTo(u, open); got != c.submits {
			t.Errorf("%s: submitsTo = %v", name, got)
		}
		if got := CanSubmit(u, open); got != c.submits {
			t.Errorf("%s: CanSubmit(open) = %v", name, got)
		}
		if CanSubmit(u, closed) || CanClose(u, closed) {
			t.Errorf("%s: acts on a closed round", name)
		}
		if got := seesRound(u, open.DistrictCode); got != c.sees {
			t.Errorf("%s: seesRound = %v", name, got)
		}
	}
	if registry.Imports(nil) || canOpenRound(nil) || canRun(nil, "440106") || submitsTo(nil, open) {
		t.Error("no user may act on the census")
	}
}
