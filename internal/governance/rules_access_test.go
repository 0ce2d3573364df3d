package governance

import (
	"testing"

	"linli/internal/platform/auth"
)

// Who records, oversees and reviews governance, for every role and for no
// account; the reports page's review buttons and cycle form call the same
// rules the service enforces, so one table covers both.
func TestAccessRules(t *testing.T) {
	edits := map[string]bool{auth.OrgLeader: true, auth.CommunityCommittee: true, auth.StreetOfficer: true,
		auth.DistrictOfficer: true, auth.CityAdmin: true}
	oversees := map[string]bool{auth.CommunityCommittee: true, auth.StreetOfficer: true, auth.DistrictOfficer: true, auth.CityAdmin: true}
	submitted := &Report{Status: ReportSubmitted}
	for _, r := range auth.Roles {
		u := &auth.User{Role: r, ScopeCode: "440106001001", OrgID: 7}
		if got := CanEdit(u); got != edits[r] {
			t.Errorf("%s: CanEdit = %v", r, got)
		}
		if got := overseesReports(u); got != oversees[r] {
			t.Errorf("%s: overseesReports = %v", r, got)
		}
		if got := reviews(u, submitted); got != oversees[r] {
			t.Errorf("%s: reviews a submitted report = %v", r, got)
		}
		for _, st := range []string{ReportReturned, ReportReceived} {
			if reviews(u, &Report{Status: st}) {
				t.Errorf("%s reviews a %s report", r, st)
			}
		}
		// what an account submitted itself waits for another reviewer; a
		// report whose submitter is not known (0) waits for anyone
		u.ID = 42
		if reviews(u, &Report{Status: ReportSubmitted, submittedBy: 42}) || !ownSubmission(u, &Report{submittedBy: 42}) {
			t.Errorf("%s reviews a report it submitted", r)
		}
		if got := reviews(u, &Report{Status: ReportSubmitted, submittedBy: 43}); got != oversees[r] {
			t.Errorf("%s: reviews another's submitted report = %v", r, got)
		}
		if ownSubmission(u, &Report{}) || ownSubmission(&auth.User{}, &Report{}) {
			t.Errorf("%s: a report of no known submitter counted as its own", r)
		}
	}
	if CanEdit(nil) || overseesReports(nil) || reviews(nil, submitted) || ownSubmission(nil, &Report{submittedBy: 42}) {
		t.Error("no account may do anything")
	}
}

// A leader sees their own organization's reports (none without one); the
// others those of their subtree.
func TestSeesReport(t *testing.T) {
	r := &Report{OrgID: 7, CommunityCode: "440106001001"}
	for _, c := range []struct {
		name string
		u    *auth.User
		want bool
	}{
		{"own leader", &auth.User{Role: auth.OrgLeader, ScopeCode: "440106001001", OrgID: 7}, true},
		{"other leader, same community", &auth.User{Role: auth.OrgLeader, ScopeCode: "440106001001", OrgID: 8}, false},
		{"leader without organization", &auth.User{Role: auth.OrgLeader, ScopeCode: "440106001001"}, false},
		{"committee", &auth.User{Role: auth.CommunityCommittee, ScopeCode: "440106001001"}, true},
		{"street", &auth.User{Role: auth.StreetOfficer, ScopeCode: "440106001"}, true},
		{"street beside", &auth.User{Role: auth.StreetOfficer, ScopeCode: "440106002"}, false},
		{"auditor", &auth.User{Role: auth.Auditor, ScopeCode: "4401"}, true},
		{"hub staff", &auth.User{Role: auth.HubStaff, ScopeCode: "440106001", OrgID: 7}, true},
	} {
		if got := seesReport(c.u, r); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
