package evaluation

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
)

// Who may do what to evaluation's records, for every role, in and out of
// its subtree, and for no account.
func TestAccessRules(t *testing.T) {
	const community, elsewhere = authtest.Community, authtest.Outside
	type want struct{ award, party, coverage, ownOnly, builder, buildDistrict, buildCity, buildStreet, seeCityTree bool }
	wants := map[string]want{
		auth.CityAdmin:          {award: true, party: true, coverage: true, builder: true, buildDistrict: true, buildCity: true, seeCityTree: true},
		auth.DistrictOfficer:    {award: true, party: true, coverage: true, builder: true, buildDistrict: true, seeCityTree: true},
		auth.StreetOfficer:      {party: true, coverage: true, seeCityTree: true},
		auth.CommunityCommittee: {party: true, coverage: true, seeCityTree: true},
		auth.HubStaff:           {seeCityTree: true},
		auth.OrgLeader:          {ownOnly: true},
		auth.Auditor:            {coverage: true, seeCityTree: true},
		auth.SecurityAdmin:      {coverage: true, seeCityTree: true},
		auth.Resident:           {coverage: true, seeCityTree: true},
	}
	for _, u := range authtest.Every(7) {
		w := wants[u.Role]
		got := want{awardsGrades(u, community), recordsParty(u, community), readsCoverage(u), u.OwnOrgOnly(), treeBuilder(u),
			buildsTrees(u, "440106"), buildsTrees(u, "4401"), buildsTrees(u, "440106001"), seesUnit(u, "4401")}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", u.Role, got, w)
		}
		if awardsGrades(u, elsewhere) || recordsParty(u, elsewhere) || buildsTrees(u, "440304") || seesUnit(u, "4403") {
			t.Errorf("%s acts outside its subtree", u.Role)
		}
	}
	if awardsGrades(nil, community) || recordsParty(nil, community) || readsCoverage(nil) ||
		treeBuilder(nil) || buildsTrees(nil, "440106") || seesUnit(nil, "4401") || sees(nil, 7, community) {
		t.Error("no account may do anything")
	}
}

// The unit a new tree or round defaults to: a district officer's own
// district; the city names its unit.
func TestDefaultUnits(t *testing.T) {
	do := &auth.User{Role: auth.DistrictOfficer, ScopeCode: "440106"}
	city := &auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}
	for _, c := range []struct {
		u          *auth.User
		named, got string
		want       string
	}{
		{do, "", treeUnit(do, ""), "440106"},
		{do, "440106", treeUnit(do, "440106"), "440106"},
		{city, "", treeUnit(city, ""), ""},
		{city, "4401", treeUnit(city, "4401"), "4401"},
		{do, "4401", roundUnit(do, "4401"), "440106"},
		{do, "440106", roundUnit(do, "440106"), "440106"},
		{city, "4401", roundUnit(city, "4401"), "4401"},
	} {
		if c.got != c.want {
			t.Errorf("%s naming %q: %q, want %q", c.u.Role, c.named, c.got, c.want)
		}
	}
}

// A round: its scorers see and, unpublished, score it (not a read-only
// one); officers of its unit and above see it; a leader only once
// published and only a round of its organization.
func TestRoundRules(t *testing.T) {
	open := &Round{UnitCode: "440106", OrgIDs: []int64{7, 8}, Scorers: []int64{100, 101}}
	published := *open
	published.PublishedOn = "2023-12-01"
	for _, c := range []struct {
		name                        string
		u                           *auth.User
		r                           *Round
		sees, scorer, scoresNowWant bool
	}{
		{"scorer", &auth.User{ID: 100, Role: auth.StreetOfficer, ScopeCode: "440104001"}, open, true, true, true},
		{"scorer after publication", &auth.User{ID: 100, Role: auth.StreetOfficer, ScopeCode: "440104001"}, &published, true, true, false},
		{"read-only scorer", &auth.User{ID: 101, Role: auth.Auditor, ScopeCode: "4401"}, open, true, false, false},
		{"district officer", &auth.User{ID: 5, Role: auth.DistrictOfficer, ScopeCode: "440106"}, open, true, false, false},
		{"city", &auth.User{ID: 5, Role: auth.CityAdmin, ScopeCode: "4401"}, open, true, false, false},
		{"street beside the unit", &auth.User{ID: 5, Role: auth.StreetOfficer, ScopeCode: "440104001"}, open, false, false, false},
		{"street within the unit", &auth.User{ID: 5, Role: auth.StreetOfficer, ScopeCode: "440106001"}, open, false, false, false},
		{"leader, unpublished", &auth.User{ID: 5, Role: auth.OrgLeader, ScopeCode: "440106001001", OrgID: 7}, open, false, false, false},
		{"leader, published", &auth.User{ID: 5, Role: auth.OrgLeader, ScopeCode: "440106001001", OrgID: 7}, &published, true, false, false},
		{"leader of another", &auth.User{ID: 5, Role: auth.OrgLeader, ScopeCode: "440106001001", OrgID: 9}, &published, false, false, false},
		{"no account", nil, &published, false, false, false},
	} {
		if got := seesRound(c.u, c.r); got != c.sees {
			t.Errorf("%s: sees %v, want %v", c.name, got, c.sees)
		}
		if got := scorerOf(c.u, c.r); got != c.scorer {
			t.Errorf("%s: scorer %v, want %v", c.name, got, c.scorer)
		}
		if got := scoresNow(c.u, c.r); got != c.scoresNowWant {
			t.Errorf("%s: scores now %v, want %v", c.name, got, c.scoresNowWant)
		}
	}
}
