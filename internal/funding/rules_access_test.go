package funding

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// funders are one user of each role over community 440106001001 (hub 50
// holds organization 7's money), and the edge cases the rules single out.
var funders = []struct {
	name string
	u    *auth.User
}{
	{"city", &auth.User{ID: 1, Role: auth.CityAdmin, ScopeCode: "4401"}},
	{"district", &auth.User{ID: 2, Role: auth.DistrictOfficer, ScopeCode: "440106"}},
	{"other district", &auth.User{ID: 3, Role: auth.DistrictOfficer, ScopeCode: "440105"}},
	{"street", &auth.User{ID: 4, Role: auth.StreetOfficer, ScopeCode: "440106001"}},
	{"committee", &auth.User{ID: 5, Role: auth.CommunityCommittee, ScopeCode: "440106001001"}},
	{"hub staff", &auth.User{ID: 6, Role: auth.HubStaff, ScopeCode: "440106001", OrgID: 50}},
	{"staff without a hub", &auth.User{ID: 7, Role: auth.HubStaff, ScopeCode: "440106001"}},
	{"leader", &auth.User{ID: 8, Role: auth.OrgLeader, ScopeCode: "440106001001", OrgID: 7}},
	{"leader without an organization", &auth.User{ID: 9, Role: auth.OrgLeader, ScopeCode: "440106001001"}},
	{"auditor", &auth.User{ID: 10, Role: auth.Auditor, ScopeCode: "4401"}},
	{"resident", &auth.User{ID: 11, Role: auth.Resident, ScopeCode: "440106001001"}},
	{"security admin", &auth.User{ID: 12, Role: auth.SecurityAdmin, ScopeCode: "4401"}},
}

func TestFundingAccessRules(t *testing.T) {
	const community, elsewhere = "440106001001", "440106002001"
	district := &CallInput{UnitCode: "440106", Channel: ChannelVenture}
	type want struct {
		openSome, speaks, held, applyOwn, applyHeld, applyHub, suballocate, brand, need, needElsewhere bool
		listScope                                                                                      string
		lists                                                                                          bool
	}
	wants := map[string]want{
		"city":                           {true, false, false, false, false, false, true, true, true, true, "4401", true},
		"district":                       {true, false, false, false, false, false, true, true, true, true, "440106", true},
		"other district":                 {true, false, false, false, false, false, false, false, false, false, "440105", true},
		"street":                         {true, false, false, false, false, false, false, false, true, false, "440106001", true},
		"committee":                      {false, false, false, false, false, false, false, false, true, false, "440106001001", true},
		"hub staff":                      {false, true, true, false, true, true, true, false, false, false, "", false},
		"staff without a hub":            {false, true, false, false, false, false, false, false, false, false, "", false},
		"leader":                         {false, true, false, true, true, false, true, false, false, false, "", false},
		"leader without an organization": {false, true, false, false, false, false, false, false, false, false, "", false},
		"auditor":                        {false, false, false, false, false, false, false, false, false, false, "4401", true},
		"resident":                       {false, false, false, false, false, false, false, false, true, true, "", false},
		"security admin":                 {false, false, false, false, false, false, false, false, false, false, "", false},
	}
	for _, c := range funders {
		u := c.u
		w := wants[c.name]
		lead := int64(7)
		if u.Role == auth.HubStaff {
			lead = 50 // a hub leads a project as the organization it is
		}
		scope, lists := applicationsIn(u, false, false)
		// applyHub: the hub 50 applies for itself, its money in no one's
		// custody (a registered hub keeps its own)
		got := want{canOpenSome(u), speaksForOrg(u), appliesForHeld(u), canApply(u, 7, 0), canApply(u, 7, 50), canApply(u, 50, 0),
			canSuballocate(u, district, lead), canBrand(u, community), canRecordNeed(u, community), canRecordNeed(u, elsewhere),
			scope, lists}
		if c.name == "resident" {
			// a resident's need is always of their own community, whatever the request names
			w.needElsewhere = false
		}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", c.name, got, w)
		}
		// who may apply for an organization sees its application (and a
		// reviewer, or an officer of its place, without applying)
		for _, x := range [][2]int64{{7, 0}, {7, 50}, {50, 0}} {
			if canApply(u, x[0], x[1]) && !canSeeApplication(u, elsewhere, x[0], x[1], false) {
				t.Errorf("%s applies for %d (hub %d) but does not see its application", c.name, x[0], x[1])
			}
		}
		if scope, ok := applicationsIn(u, false, true); !ok || scope != "" {
			t.Errorf("%s: a reviewer reads only %q of a call's applications", c.name, scope)
		}
		if got.openSome != (canOpenCall(u, u.ScopeCode, ChannelMicro) && u.ScopeCode != "") {
			t.Errorf("%s: opens some call %v, but a micro-venture of its own place %v", c.name, got.openSome, !got.openSome)
		}
	}
}

func TestScoreRules(t *testing.T) {
	c := &CallInput{UnitCode: "440106", Channel: ChannelVenture}
	reviewer := &auth.User{ID: 20, Role: auth.StreetOfficer, ScopeCode: "440106001"}
	manager := &auth.User{ID: 21, Role: auth.DistrictOfficer, ScopeCode: "440106"}
	auditor := &auth.User{ID: 22, Role: auth.Auditor, ScopeCode: "4401"}
	for _, x := range []struct {
		name       string
		u          *auth.User
		reviewerID int64
		assigned   bool
		want       bool
	}{
		{"an assigned reviewer as themselves", reviewer, 20, true, true},
		{"a reviewer not assigned", reviewer, 20, false, false},
		{"a reviewer for another", reviewer, 23, true, false},
		{"the manager for a reviewer", manager, 20, true, true},
		{"the manager, not assigned, as themselves", manager, 21, false, true},
		{"an auditor assigned", auditor, 22, true, false},
	} {
		if got := canScore(x.u, c, x.reviewerID, x.assigned); got != x.want {
			t.Errorf("%s: canScore = %v, want %v", x.name, got, x.want)
		}
	}
	open := func(a Application, state string) error { return scoreRefusal(&a, &Call{State: state}) }
	for _, x := range []struct {
		name string
		err  error
		key  string
	}{
		{"submitted, closed", open(Application{Status: AppSubmitted}, StateClosed), ""},
		{"a draft", open(Application{Status: "draft"}, StateClosed), "err.fund.not_submitted"},
		{"the call still open", open(Application{Status: AppSubmitted}, StateOpen), "err.fund.review_not_open"},
		{"awarded", open(Application{Status: AppSubmitted, ProjectID: 3}, StateClosed), "err.fund.already_awarded"},
	} {
		switch {
		case x.key == "" && x.err != nil:
			t.Errorf("%s: refused: %v", x.name, x.err)
		case x.key != "" && (!errs.Is(x.err, errs.Conflict) || x.err.(*errs.Error).Message.Key != x.key):
			t.Errorf("%s: %v, want %s", x.name, x.err, x.key)
		}
	}
}
