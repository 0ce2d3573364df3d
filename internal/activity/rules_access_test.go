package activity

import (
	"testing"

	"linli/internal/platform/auth"
)

// who builds a user of a role scoped to a place, with an organization.
func who(role, scope string, org int64) *auth.User {
	return &auth.User{ID: 1, Role: role, ScopeCode: scope, OrgID: org}
}

// The place-wide views (rules, campaigns, associations, report lists) are
// every role's but an organization's leader's, within their branch.
func TestWhoReadsPlaces(t *testing.T) {
	const street, other = "440106001", "440106002"
	for _, c := range []struct {
		u                     *auth.User
		place, rule, assoc    bool
		reportsHub            int64
		reports               bool
		ruleUnit, assocStreet string
	}{
		{u: who(auth.OrgLeader, "440106001001", 7), ruleUnit: street, assocStreet: street},
		{u: who(auth.CityAdmin, "4401", 0), place: true, rule: true, assoc: true, reports: true, ruleUnit: street, assocStreet: street},
		{u: who(auth.DistrictOfficer, "440106", 0), place: true, rule: true, assoc: true, reports: true, ruleUnit: "440106", assocStreet: street},
		{u: who(auth.StreetOfficer, street, 0), place: true, rule: true, assoc: true, reports: true, ruleUnit: street, assocStreet: street},
		{u: who(auth.StreetOfficer, street, 0), place: true, rule: true, reports: true, ruleUnit: "440106", assocStreet: "440106"}, // a district's rule, above; no district association
		{u: who(auth.StreetOfficer, street, 0), place: true, reports: true, ruleUnit: other, assocStreet: other},                   // another street
		{u: who(auth.StreetOfficer, street, 0), place: true, reports: true, ruleUnit: "440106001001", assocStreet: "440106001001"}, // a community has neither
		{u: who(auth.CommunityCommittee, "440106001001", 0), place: true, rule: true, reports: true, ruleUnit: street, assocStreet: street},
		{u: who(auth.HubStaff, street, 9), place: true, rule: true, assoc: true, reports: true, reportsHub: 9, ruleUnit: street, assocStreet: street},
		{u: who(auth.HubStaff, street, 0), place: true, rule: true, assoc: true, ruleUnit: street, assocStreet: street}, // no hub: no reports
		{u: who(auth.Auditor, "4401", 0), place: true, rule: true, assoc: true, reports: true, ruleUnit: street, assocStreet: street},
		{u: who(auth.Resident, "440106001001", 0), place: true, rule: true, reports: true, ruleUnit: street, assocStreet: street},
		{u: who(auth.SecurityAdmin, "", 0), place: true, ruleUnit: street, assocStreet: street}, // no scope: nothing
	} {
		name := c.u.Role + "@" + c.u.ScopeCode
		if got := readsPlace(c.u); got != c.place {
			t.Errorf("%s: readsPlace = %v", name, got)
		}
		if got := seesRule(c.u, c.ruleUnit); got != c.rule {
			t.Errorf("%s: seesRule(%s) = %v", name, c.ruleUnit, got)
		}
		if got := seesAssociation(c.u, c.assocStreet); got != c.assoc {
			t.Errorf("%s: seesAssociation(%s) = %v", name, c.assocStreet, got)
		}
		if hub, ok := reportsOf(c.u); ok != c.reports || hub != c.reportsHub {
			t.Errorf("%s: reportsOf = %d, %v", name, hub, ok)
		}
	}
	if readsPlace(nil) || seesRule(nil, street) || seesAssociation(nil, street) {
		t.Error("no user reads a place")
	}
}

// A host organization the user may not record for is hidden when it is
// not theirs, not served by their hub or outside their scope; otherwise
// refused. A report is offered exactly when canRecord holds, once, for a
// major activity.
func TestHostHiddenAndReport(t *testing.T) {
	host := OrgRef{ID: 7, CommunityCode: "440106001001", DistrictCode: "440106"}
	major := &Activity{Major: true}
	for _, c := range []struct {
		u              *auth.User
		serves, hidden bool
		record         bool
	}{
		{u: who(auth.OrgLeader, "440106001001", 7), record: true},
		{u: who(auth.OrgLeader, "440106001001", 8), hidden: true}, // a co-organizer's leader
		{u: who(auth.OrgLeader, "440106001001", 0), hidden: true},
		{u: who(auth.HubStaff, "440106001", 9), serves: true, record: true},
		{u: who(auth.HubStaff, "440106001", 9), hidden: true},
		{u: who(auth.CommunityCommittee, "440106001001", 0), record: true},
		{u: who(auth.CommunityCommittee, "440106001002", 0), hidden: true},
		{u: who(auth.StreetOfficer, "440106001", 0), record: true},
		{u: who(auth.StreetOfficer, "440106002", 0), hidden: true},
		{u: who(auth.DistrictOfficer, "440106", 0), record: true},
		{u: who(auth.CityAdmin, "4401", 0), record: true},
		{u: who(auth.Auditor, "4401", 0)},          // sees it, refused
		{u: who(auth.Resident, "440106001001", 0)}, // sees it, refused
		{u: who(auth.SecurityAdmin, "4401", 0)},    // refused
		{u: who(auth.DistrictOfficer, "440105", 0), hidden: true},
	} {
		name := c.u.Role + "@" + c.u.ScopeCode
		rec := canRecord(c.u, host, c.serves)
		if rec != c.record {
			t.Errorf("%s: canRecord = %v", name, rec)
		}
		if !rec {
			if got := hidesHost(c.u, host, c.serves); got != c.hidden {
				t.Errorf("%s: hidesHost = %v", name, got)
			}
		}
		if got := canReport(c.u, major, host, c.serves, false); got != c.record {
			t.Errorf("%s: canReport = %v, want canRecord %v", name, got, c.record)
		}
		if canReport(c.u, major, host, c.serves, true) || canReport(c.u, &Activity{}, host, c.serves, false) {
			t.Errorf("%s: a report offered twice, or for an activity that is not major", name)
		}
	}
	if !hidesHost(nil, host, false) {
		t.Error("no user: not hidden")
	}
}

// A leader registers beneficiaries in their organization's district,
// everyone else in their scope.
func TestWhoAddsBeneficiaries(t *testing.T) {
	const comm, district = "440106001001", "440106"
	for _, c := range []struct {
		u              *auth.User
		leaderDistrict string
		want           bool
	}{
		{who(auth.OrgLeader, "440106002008", 7), district, true}, // another community of the district
		{who(auth.OrgLeader, "440105001101", 7), "440105", false},
		{who(auth.OrgLeader, comm, 0), "", false}, // no organization
		{who(auth.CommunityCommittee, comm, 0), "", true},
		{who(auth.CommunityCommittee, "440106001002", 0), "", false},
		{who(auth.StreetOfficer, "440106001", 0), "", true},
		{who(auth.HubStaff, "440106001", 9), "", true},
		{who(auth.DistrictOfficer, "440105", 0), "", false},
		{who(auth.CityAdmin, "4401", 0), "", true},
		{who(auth.SecurityAdmin, "", 0), "", false},
	} {
		if got := canAddBeneficiary(c.u, comm, district, c.leaderDistrict); got != c.want {
			t.Errorf("%s@%s: canAddBeneficiary = %v", c.u.Role, c.u.ScopeCode, got)
		}
	}
}

// Sign-up settings are hidden from residents and read-only accounts; the
// other roles reach canRecord.
func TestWhoIsHiddenSignups(t *testing.T) {
	for _, role := range auth.Roles {
		want := role == auth.Resident || role == auth.Auditor
		if got := hidesSignups(who(role, "440106001001", 0)); got != want {
			t.Errorf("%s: hidesSignups = %v", role, got)
		}
	}
	if !hidesSignups(nil) {
		t.Error("no user: not hidden")
	}
}
