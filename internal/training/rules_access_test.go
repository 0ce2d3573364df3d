package training

import (
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Who runs, enrols into, names and sees what, for every role, on a
// street's session run by hub 9, enrolling a person of Wushan's community.
func TestAccessRules(t *testing.T) {
	const unit, person, elsewhere = "440106001", authtest.Community, authtest.Outside
	now := time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC)
	session := &Training{TrainingInput: TrainingInput{UnitCode: unit, HubOrgID: 9, EndsAt: now.Add(time.Hour)}}
	over := &Training{TrainingInput: TrainingInput{UnitCode: unit, HubOrgID: 9, EndsAt: now.Add(-time.Hour)}}
	type want struct{ organizer, organizes, enrolsInto, enrol, keeps, hub, names, programme, self, sees, seesPerson bool }
	wants := map[string]want{
		auth.CityAdmin:          {organizer: true, organizes: true, enrolsInto: true, enrol: true, keeps: true, names: true, programme: true, sees: true, seesPerson: true},
		auth.DistrictOfficer:    {organizer: true, organizes: true, enrolsInto: true, enrol: true, keeps: true, names: true, programme: true, sees: true, seesPerson: true},
		auth.StreetOfficer:      {organizer: true, organizes: true, enrolsInto: true, enrol: true, keeps: true, names: true, sees: true, seesPerson: true},
		auth.CommunityCommittee: {enrolsInto: true, enrol: true, keeps: true, names: true, sees: true, seesPerson: true},
		auth.HubStaff:           {organizer: true, organizes: true, enrolsInto: true, enrol: true, keeps: true, hub: true, names: true, sees: true, seesPerson: true},
		auth.OrgLeader:          {self: true, names: true, sees: true},
		auth.Auditor:            {names: true, sees: true, seesPerson: true},
		auth.SecurityAdmin:      {names: true, sees: true, seesPerson: true},
		auth.Resident:           {names: true, sees: true, seesPerson: true},
	}
	for _, r := range auth.Roles {
		u := &auth.User{Role: r, ScopeCode: authtest.Scope(r), OrgID: 9}
		w := wants[r]
		got := want{organizerRole(u), canOrganize(u, unit, 9), enrolsInto(u, session, now), planEnrol(u, session, now, person) == nil, canKeepPeople(u, person),
			runsAsHub(u), namesHub(u, person), namesProgramme(u), selfEnrols(u), seesSession(u, session), seesPerson(u, person)}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", r, got, w)
		}
		if planEnrol(u, session, now, elsewhere) == nil || canKeepPeople(u, elsewhere) || seesPerson(u, elsewhere) {
			t.Errorf("%s acts on a person outside its subtree", r)
		}
		// the session page's enrolment form and the service's check agree:
		// the form shows iff someone of the viewer's subtree may be enrolled
		for _, s := range []*Training{session, over} {
			if enrolsInto(u, s, now) != (planEnrol(u, s, now, person) == nil) {
				t.Errorf("%s, session ending %v: the form and the service disagree", r, s.EndsAt)
			}
		}
		// after the end, only those who keep the attendance enrol (补录)
		if enrolsInto(u, over, now) != (w.enrolsInto && w.organizes) {
			t.Errorf("%s enrols into a session over: %v", r, enrolsInto(u, over, now))
		}
	}
	if organizerRole(nil) || enrolsInto(nil, session, now) || keeperRole(nil) || namesProgramme(nil) || selfEnrols(nil) ||
		seesSession(nil, session) || runsAsHub(nil) {
		t.Error("no account may do anything")
	}
	other := &auth.User{Role: auth.HubStaff, ScopeCode: "440106002", OrgID: 8}
	if canOrganize(other, unit, 9) || seesSession(other, &Training{TrainingInput: TrainingInput{UnitCode: "440106001", HubOrgID: 9}}) {
		t.Error("another street's hub staff run or see the session")
	}
	if !seesSession(&auth.User{Role: auth.HubStaff, ScopeCode: "440106002", OrgID: 9}, session) {
		t.Error("a hub's staff do not see their hub's session")
	}
}

// planSelf refuses whom the session page offers no button: a leader
// without an organization, of another organization, and every other role.
func TestSelfEnrolAgreesWithPage(t *testing.T) {
	now := time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC)
	s := &Training{TrainingInput: TrainingInput{UnitCode: "440106001", EndsAt: now.Add(time.Hour)}}
	org := &registry.Org{ID: 7, CommunityCode: "440106001001", LeaderName: "陈大文", LeaderPhone: "13800138000"}
	for _, r := range auth.Roles {
		for _, orgID := range []int64{0, 7, 8} {
			u := &auth.User{Role: r, ScopeCode: authtest.Scope(r), OrgID: orgID}
			_, err := planSelf(u, org, s, now)
			shown := selfEnrols(u)
			if allowed := err == nil; allowed != (shown && orgID == 7) {
				t.Errorf("%s of %d: button %v, planSelf %v", r, orgID, shown, err)
			}
		}
	}
}

// TestUnitRule: a session's unit is judged by the unit rule every room
// shares (geo.Unit), in its order, each refusal on unit_code: no such
// division, then a division of a level sessions are not run for (a
// community), then one outside the organizer's scope.
func TestUnitRule(t *testing.T) {
	u := &auth.User{Role: auth.DistrictOfficer, ScopeCode: authtest.Scope(auth.DistrictOfficer)}
	for _, c := range []struct {
		code   string
		exists bool
		key    string
	}{
		{authtest.Community[:9], false, "err.unknown_division"},
		{authtest.Community, true, "training.err.unit_level"},
		{authtest.Outside[:6], true, "err.outside_scope"},
		{authtest.Community[:9], true, ""},
	} {
		in := TrainingInput{UnitCode: c.code}
		err := planTraining(u, &in, c.exists)
		e, _ := errs.As(err)
		if e == nil {
			t.Fatalf("%s: an empty session accepted", c.code)
		}
		if got := e.Fields["unit_code"].Key; got != c.key {
			t.Errorf("%s (exists %v): unit_code %q, want %q", c.code, c.exists, got, c.key)
		}
	}
}
