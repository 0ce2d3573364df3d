package civic

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
)

func who(id int64, role, scope string, org int64) *auth.User {
	return &auth.User{ID: id, Role: role, ScopeCode: scope, OrgID: org}
}

// Who may take each decision on a case at each stage, who adds photos and
// who opens the case's page, for every role.
func TestWhoDecidesCases(t *testing.T) {
	const author = 1
	users := map[string]*auth.User{
		"author":     who(author, auth.OrgLeader, "440106001001", 7),
		"leader":     who(2, auth.OrgLeader, "440106001001", 8),
		"hub":        who(3, auth.HubStaff, "440106001", 9),
		"committee":  who(4, auth.CommunityCommittee, "440106001001", 0),
		"street":     who(5, auth.StreetOfficer, "440106001", 0),
		"otherSt":    who(6, auth.StreetOfficer, "440106002", 0),
		"district":   who(7, auth.DistrictOfficer, "440106", 0),
		"otherDist":  who(8, auth.DistrictOfficer, "440105", 0),
		"city":       who(9, auth.CityAdmin, "4401", 0),
		"auditor":    who(10, auth.Auditor, "4401", 0),
		"resident":   who(11, auth.Resident, "440106001001", 0),
		"security":   who(12, auth.SecurityAdmin, "4401", 0),
		"authorAway": who(author, auth.OrgLeader, "440105001101", 7), // the author, moved elsewhere since
	}
	// what each may do at each stage; opens: the case's page
	type may struct{ submit, approve, feature, photo, opens bool }
	want := map[string]map[string]may{
		// a draft (new, or returned) is its author's alone; the officers
		// whose scope holds a case open it once it waits for a decision (the
		// security administrator too: the web layer keeps them to accounts)
		CaseDraft: {"author": {submit: true, photo: true, opens: true}, "authorAway": {submit: true, photo: true, opens: true}},
		CaseStreet: {"author": {opens: true}, "authorAway": {opens: true}, "street": {approve: true, opens: true},
			"district": {opens: true}, "city": {opens: true}, "auditor": {opens: true}, "security": {opens: true}},
		CaseDistrict: {"author": {opens: true}, "authorAway": {opens: true}, "street": {opens: true},
			"district": {approve: true, opens: true}, "city": {opens: true}, "auditor": {opens: true}, "security": {opens: true}},
		// published: in scope, the author's, or the city's to feature; a
		// resident, a leader or a hub of the place open it too (their scope
		// holds it), other places read it on the portal
		CasePublished: {"author": {opens: true}, "authorAway": {opens: true}, "leader": {opens: true}, "hub": {opens: true},
			"committee": {opens: true}, "street": {opens: true}, "district": {opens: true}, "city": {feature: true, opens: true},
			"auditor": {opens: true}, "resident": {opens: true}, "security": {opens: true}},
	}
	for status, byUser := range want {
		c := &Case{Status: status, UnitCode: "440106001001", StreetCode: "440106001", DistrictCode: "440106", createdBy: author}
		for name, u := range users {
			w := byUser[name]
			got := may{submit: mayDecideCase(u, c, "submit"), approve: mayDecideCase(u, c, "approve"),
				feature: mayDecideCase(u, c, "feature"), photo: mayAddCasePhoto(u, c), opens: worksOnCase(u, c)}
			if got != w {
				t.Errorf("%s on a %s case: %+v, want %+v", name, status, got, w)
			}
			if mayDecideCase(u, c, "return") != w.approve || mayDecideCase(u, c, "unfeature") != w.feature {
				t.Errorf("%s on a %s case: return or unfeature differ from approve or feature", name, status)
			}
			if mayDecideCase(u, c, "bogus") {
				t.Errorf("%s: an unknown decision allowed", name)
			}
		}
	}
	c := &Case{Status: CasePublished, UnitCode: "440106001001"}
	if mayDecideCase(nil, c, "feature") || mayAddCasePhoto(nil, c) || worksOnCase(nil, c) {
		t.Error("no user may act on a case")
	}
}

// Who writes cases, and who writes them for an organization.
func TestWhoWritesCases(t *testing.T) {
	for _, c := range []struct {
		u              *auth.User
		writes, forOrg bool
	}{
		{who(1, auth.OrgLeader, "440106001001", 7), true, true},
		{who(1, auth.OrgLeader, "440106001001", 0), true, false},
		{who(1, auth.HubStaff, "440106001", 9), true, true},
		{who(1, auth.StreetOfficer, "440106001", 0), true, false},
		{who(1, auth.CommunityCommittee, "440106001001", 0), false, false},
		{who(1, auth.DistrictOfficer, "440106", 0), false, false},
		{who(1, auth.CityAdmin, "4401", 0), false, false},
		{who(1, auth.Auditor, "4401", 0), false, false},
		{who(1, auth.Resident, "440106001001", 0), false, false},
		{who(1, auth.SecurityAdmin, "4401", 0), false, false},
	} {
		name := c.u.Role
		if got := writesCases(c.u); got != c.writes {
			t.Errorf("%s: writesCases = %v", name, got)
		}
		if got := writesForOrg(c.u); got != c.forOrg {
			t.Errorf("%s: writesForOrg = %v", name, got)
		}
	}
	if writesCases(nil) || writesForOrg(nil) {
		t.Error("no user writes cases")
	}
}

// Who runs surveys, where, and who reads their results.
func TestWhoRunsSurveys(t *testing.T) {
	street := &Survey{UnitCode: "440106001"}
	for _, c := range []struct {
		u                 *auth.User
		runs, here, reads bool
	}{
		{who(1, auth.CityAdmin, "4401", 0), true, true, true},
		{who(1, auth.DistrictOfficer, "440106", 0), true, true, true},
		{who(1, auth.DistrictOfficer, "440105", 0), true, false, false},
		{who(1, auth.StreetOfficer, "440106001", 0), true, true, true},
		{who(1, auth.StreetOfficer, "440106002", 0), true, false, false},
		{who(1, auth.CommunityCommittee, "440106001001", 0), false, false, true}, // below the street: reads
		{who(1, auth.HubStaff, "440106001", 9), false, false, true},
		{who(1, auth.OrgLeader, "440106001001", 7), false, false, true},
		{who(1, auth.Auditor, "4401", 0), false, false, true},
		{who(1, auth.Resident, "440106001001", 0), false, false, false},
		{who(1, auth.SecurityAdmin, "4401", 0), false, false, true},
	} {
		name := c.u.Role + "@" + c.u.ScopeCode
		if got := runsSurveys(c.u); got != c.runs {
			t.Errorf("%s: runsSurveys = %v", name, got)
		}
		if got := canRunSurvey(c.u, street.UnitCode); got != c.here {
			t.Errorf("%s: canRunSurvey = %v", name, got)
		}
		if got := seesSurveyResults(c.u, street); got != c.reads {
			t.Errorf("%s: seesSurveyResults = %v", name, got)
		}
	}
	if runsSurveys(nil) || canRunSurvey(nil, street.UnitCode) || seesSurveyResults(nil, street) {
		t.Error("no user runs or reads surveys")
	}
}

// The cases list (Cases) and a case's visibility (canSeeCase) ask the same
// rules: for every role, a case of someone else in the account's scope
// waiting for a decision is seen exactly by those whose list reads their
// scope's cases, another's draft by no one, and one's own by everyone with
// a list; a resident has neither.
func TestCaseListAgreesWithVisibility(t *testing.T) {
	reads := map[string]bool{auth.CityAdmin: true, auth.DistrictOfficer: true, auth.StreetOfficer: true,
		auth.Auditor: true, auth.SecurityAdmin: true}
	for _, u := range authtest.Every(7) {
		for _, st := range []string{CaseDraft, CaseStreet, CaseDistrict} {
			theirs := &Case{UnitCode: authtest.Community, Status: st, createdBy: 999}
			if got, want := canSeeCase(u, theirs), reads[u.Role] && st != CaseDraft; got != want || readsScopeCases(u) != reads[u.Role] {
				t.Errorf("%s sees another's %s case: %v, the list reads the scope: %v, want %v", u.Role, st, got, readsScopeCases(u), want)
			}
			own := &Case{UnitCode: authtest.Community, Status: st, createdBy: u.ID}
			if canSeeCase(u, own) != listsCases(u) || listsCases(u) != (u.Role != auth.Resident) {
				t.Errorf("%s: own %s case seen %v, has a list %v", u.Role, st, canSeeCase(u, own), listsCases(u))
			}
		}
	}
}
